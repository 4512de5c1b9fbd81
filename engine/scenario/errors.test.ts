import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/errors.ts';
import { loadScenario, loadScenarioText } from './load.ts';

const BAD = 'engine/scenario/fixtures/bad';
const readFile = (p: string): string => readFileSync(p, 'utf8');

/** The parts a test pins: where, which code, what it says and the hint. */
function brief(d: Diagnostic): [string, string, string, string | undefined] {
  return [`${d.loc?.file}:${d.loc?.line}:${d.loc?.col}`, d.code, d.message, d.hint];
}

function loadBad(name: string): Diagnostic[] {
  const r = loadScenario(`${BAD}/${name}.yaml`, readFile);
  expect(r.scenario).toBeUndefined();
  return r.diagnostics;
}

describe('each kind of mistake names file:line:column and a fix', () => {
  it('unknown field, with the nearest known key as a hint', () => {
    expect(loadBad('unknown-field').map(brief)).toEqual([
      [`${BAD}/unknown-field.yaml:10:1`, 'GL_E_UNKNOWN_FIELD', "unknown field 'clinets'", "did you mean 'clients'?"],
    ]);
  });

  it('wrong type', () => {
    expect(loadBad('wrong-type').map(brief)).toEqual([
      [
        `${BAD}/wrong-type.yaml:8:11`,
        'GL_E_TYPE',
        'expected an integer, got a string',
        'write an integer here; replicas: number of gateway replicas (gw-0, gw-1, ...)',
      ],
      [`${BAD}/wrong-type.yaml:20:16`, 'GL_E_TYPE', 'expected a number, got a string', 'remove the quotes: a quoted number is a string'],
    ]);
  });

  it('a duration that is not Go-style', () => {
    expect(loadBad('bad-duration').map(brief)).toEqual([
      [`${BAD}/bad-duration.yaml:15:45`, 'GL_E_DURATION', "'5 sec' is not a duration", 'write Go-style durations such as 59s, 1m1s, 250ms'],
    ]);
  });

  it('YAML syntax', () => {
    const [d, ...rest] = loadBad('yaml-syntax');
    expect(rest).toEqual([]);
    expect(d?.code).toBe('GL_E_YAML_SYNTAX');
    expect(d?.loc).toEqual({ file: `${BAD}/yaml-syntax.yaml`, line: 10, col: 1 });
    expect(d?.hint).toBeTruthy();
  });

  it('a missing overlay file, at the line of its path', () => {
    const ds = loadBad('missing-overlay');
    expect(ds).toHaveLength(1);
    const [where, code, message, hint] = brief(ds[0] as Diagnostic);
    expect([where, code, hint]).toEqual([`${BAD}/missing-overlay.yaml:12:7`, 'GL_E_FILE', 'check the path: it is relative to the scenario file']);
    expect(message).toContain("cannot read overlay '../configs/no-such-overlay.yaml' (engine/scenario/fixtures/configs/no-such-overlay.yaml)");
  });

  it('a bad variant patch, every error at the patch line that caused it', () => {
    expect(loadBad('bad-variant').map(brief)).toEqual([
      [`${BAD}/bad-variant.yaml:19:17`, 'GL_E_SCHEMA', "variant 'faster': replicas must be at least 1, got 0", 'number of gateway replicas (gw-0, gw-1, ...)'],
      [
        `${BAD}/bad-variant.yaml:20:22`,
        'GL_E_SCHEMA',
        "variant 'faster': 'round-robbin' is not a valid frontBalancer; expected one of round-robin, random, ip-hash",
        "did you mean 'round-robin'?",
      ],
      [
        `${BAD}/bad-variant.yaml:26:33`,
        'GL_E_RATE',
        "variant 'faster': '10 per second' is not a rate",
        'write 15/s, 100/m, 900/h, or a plain number of requests per second',
      ],
    ]);
  });
});

const HEAD = `id: x
title: t
topic: basics
summary: s
start: 2026-01-01T12:00:00Z
duration: 1m
gateway:
  config: { _format_version: "3.0" }
`;
const CLIENT = `clients:
  - id: a
    ip: 10.0.0.1
    request: { url: http://api.example.com/ }
    traffic:
      - constant: { rate: 1/s }
`;

function loadText(text: string): Diagnostic[] {
  const r = loadScenarioText(text, 'case.yaml', () => {
    throw new Error('no such file');
  });
  return r.diagnostics;
}

const at = (d: Diagnostic | undefined): string => `${d?.loc?.line}:${d?.loc?.col}`;

describe('oneOf noise becomes one message', () => {
  it('a traffic item with no pattern, or two', () => {
    const none = loadText(`${HEAD}${CLIENT.replace('- constant: { rate: 1/s }', '- {}')}`);
    expect(none.map((d) => [at(d), d.message])).toEqual([['14:9', 'a traffic item needs exactly one of burst, constant, poisson, ramp, at']]);
    const two = loadText(`${HEAD}${CLIENT}        poisson: { rate: 2/s }\n`);
    expect(two.map((d) => [at(d), d.message, d.hint])).toEqual([
      ['15:9', 'a traffic item has constant and poisson, but needs exactly one', 'write each pattern as its own list item'],
    ]);
  });

  it('a typo in the choice key is reported as the typo only', () => {
    const ds = loadText(`${HEAD}${CLIENT.replace('- constant:', '- constnat:')}`);
    expect(ds.map((d) => [at(d), d.code, d.message, d.hint])).toEqual([['14:9', 'GL_E_UNKNOWN_FIELD', "unknown field 'constnat'", "did you mean 'constant'?"]]);
  });

  it('expectations: subject and matcher choices, approx without tolerance', () => {
    const ds = loadText(`${HEAD}${CLIENT}expect:\n  - count: { client: a }\n  - count: { client: a }\n    status: { request: a-1 }\n    equals: 1\n  - count: {}\n    approx: 3\n`);
    expect(ds.map((d) => [at(d), d.code, d.message])).toEqual([
      ['16:5', 'GL_E_EXPECT', 'an expectation needs exactly one matcher: equals, between, approx, contains, absent'],
      ['18:5', 'GL_E_EXPECT', 'an expectation has count and status, but needs exactly one subject'],
      ['21:5', 'GL_E_EXPECT', 'approx needs tolerance beside it'],
    ]);
  });

  it('a gateway with both config and files, and a latency model with no kind', () => {
    const ds = loadText(`${HEAD}  files: [a.yaml]\n${CLIENT}backends:\n  - name: b\n    latency: {}\n`);
    expect(ds.map((d) => [at(d), d.message])).toEqual([
      ['9:3', 'a gateway has config and files, but needs exactly one'],
      ['18:14', 'a latency model needs exactly one of uniform, normal, lognormal'],
    ]);
  });
});

describe('values in the words of the format', () => {
  it.each([
    ['a bare number as a duration', HEAD.replace('duration: 1m', 'duration: 60'), '6:11', 'GL_E_DURATION', '60 has no unit, so it is not a duration'],
    ['a timestamp that is not ISO', HEAD.replace('T12:00:00Z', ' 12:00'), '5:8', 'GL_E_INSTANT', "'2026-01-01 12:00' is not an ISO-8601 UTC instant"],
    ['a misspelt topic', HEAD.replace('basics', 'rate-limit'), '3:8', 'GL_E_SCHEMA', "'rate-limit' is not a valid topic; expected one of rate-limiting, auth, transforms, routing, resilience, canary, capacity, observability, basics"],
    ['an id that is not kebab-case', HEAD.replace('id: x', 'id: Boundary Burst'), '1:5', 'GL_E_SCHEMA', "'Boundary Burst' is not kebab-case"],
    ['a missing required field', HEAD.replace('summary: s\n', ''), '1:1', 'GL_E_SCHEMA', "missing required field 'summary'"],
    ['a list where a mapping belongs', HEAD.replace('config: {', 'config: [{').replace('"3.0" }', '"3.0" }, 1]'), '8:40', 'GL_E_TYPE', 'expected a mapping, got an integer'],
  ])('%s', (_name, head, where, code, message) => {
    const ds = loadText(`${head}${CLIENT}`);
    expect(ds.map((d) => [at(d), d.code, d.message])).toContainEqual([where, code, message]);
    expect(ds.every((d) => d.hint)).toBe(true);
  });
});

describe('semantic checks after the schema', () => {
  it('duplicate client ids, unknown clients, variants and replicas in expectations, instants past the end', () => {
    const text = `${HEAD}${CLIENT}${CLIENT.replace('clients:\n', '')}expect:
  - count: { client: b, to: 2m }
    equals: 1
  - count: {}
    variants: [bsae]
    equals: 1
  - state: { at: 1s, plugin: p, path: a, replica: gw-3 }
    equals: 1
`;
    expect(loadText(text).map((d) => [at(d), d.code, d.message, d.hint])).toEqual([
      ['15:9', 'GL_E_SCHEMA', "duplicate client id 'a' (first used on line 10)", 'give every client its own id'],
      ['21:22', 'GL_E_EXPECT', "unknown client 'b'", 'known clients: a'],
      ['21:29', 'GL_E_INSTANT', '2m is after the end of the run (duration 1m0s)', 'move it before the end, or make the scenario duration longer'],
      ['24:16', 'GL_E_EXPECT', "unknown variant 'bsae'", "did you mean 'base'?"],
      ['26:51', 'GL_E_EXPECT', "unknown replica 'gw-3'", "did you mean 'gw-0'?"],
    ]);
  });

  it('an ISO instant before start, an outage of an unknown backend, base as a variant name', () => {
    const text = `${HEAD}${CLIENT.replace('{ rate: 1/s }', '{ rate: 1/s, from: 2025-12-31T23:59:59Z }')}backends:
  - name: orders
    latency: 10ms
events:
  - at: 30s
    outage: { backend: ordres }
variants:
  base:
    patch: {}
`;
    expect(loadText(text).map((d) => [at(d), d.code, d.message])).toEqual([
      ['14:38', 'GL_E_INSTANT', '2025-12-31T23:59:59Z is before the start of the run'],
      ['20:24', 'GL_E_SCHEMA', "unknown backend 'ordres'"],
      ['22:3', 'GL_E_VARIANT', "'base' names the scenario as written and cannot be a variant"],
    ]);
  });

  it('checks an expectation only against the variants it applies to', () => {
    const variants = `variants:
  solo:
    patch:
      clients:
        - id: z
          ip: 10.0.0.9
          request: { url: http://api.example.com/ }
          traffic: [{ at: [1s] }]
    expect:
      - count: { client: z }
        equals: 1
`;
    const scoped = `${HEAD}${CLIENT}${variants}expect:\n  - count: { client: a }\n    variants: [base]\n    equals: 1\n`;
    expect(loadText(scoped)).toEqual([]);
    const everywhere = scoped.replace('    variants: [base]\n', '');
    expect(loadText(everywhere).map((d) => [at(d), d.message])).toEqual([['27:22', "variant 'solo': unknown client 'a'"]]);
  });

  it('reports every error, not the first', () => {
    const text = `${HEAD.replace('duration: 1m', 'duration: 5 sec').replace('topic: basics', 'topic: nope')}replicas: many\n${CLIENT}`;
    expect(loadText(text).map((d) => d.code)).toEqual(['GL_E_SCHEMA', 'GL_E_DURATION', 'GL_E_TYPE']);
  });
});
