/**
 * Expectations that name one request: the loader checks the id's client part (a typo fails lint, not
 * check), and when a request has nothing to measure the message says why and what exists instead.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDiagnostic } from '../core/errors.ts';
import type { TraceEvent } from '../trace/events.ts';
import { evaluateExpectations } from './expect.ts';
import { loadScenarioText } from './load.ts';

/**
 * Clients `no-token` and `valid`; with `solo`, a variant of that name keeps only `valid`. The expect
 * list starts at line 19 either way (the variant is written after it).
 */
function load(expectYaml: string, solo = false): ReturnType<typeof loadScenarioText> {
  const text = `id: x
title: t
topic: basics
summary: s
start: 2026-01-01T12:00:00Z
duration: 10s
gateway:
  config: { _format_version: "3.0" }
clients:
  - id: no-token
    ip: 10.0.0.1
    request: { url: http://api.example.com/ }
    traffic: [ { at: [1s] } ]
  - id: valid
    ip: 10.0.0.2
    request: { url: http://api.example.com/ }
    traffic: [ { constant: { rate: 1/s } } ]
expect:
${expectYaml}
${solo ? SOLO : ''}`;
  return loadScenarioText(text, 'x.yaml', () => '');
}

const SOLO = `variants:
  solo:
    patch: { clients: [ { id: valid, ip: 10.0.0.2, request: { url: http://api.example.com/ }, traffic: [ { at: [1s] } ] } ] }`;

const errors = (r: ReturnType<typeof load>): string[] => r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('request ids are checked when the file loads', () => {
  it('a client part that names no client is GL_E_EXPECT at the id, with the nearest request id as hint', () => {
    const r = load('  - status: { request: notoken-1 }\n    equals: 401');
    expect(errors(r)).toEqual([
      "x.yaml:19:24: error GL_E_EXPECT: request 'notoken-1' names no client: there is no client 'notoken' (did you mean 'no-token-1'?)",
    ]);
  });

  it('an id without a request number says what ids look like', () => {
    const r = load('  - header: { request: valid, name: x-a }\n    absent: true');
    expect(errors(r)).toEqual([
      "x.yaml:19:24: error GL_E_EXPECT: 'valid' is not a request id (request ids are <client id>-<n>, counting from 1 in the order the client sends, such as no-token-1; a client's retry adds .retry<k>)",
    ]);
  });

  it('request numbers count from 1', () => {
    const r = load('  - upstream: { request: valid-0, field: path }\n    equals: /');
    expect(errors(r)).toEqual([
      "x.yaml:19:26: error GL_E_EXPECT: request 'valid-0' does not exist: request numbers count from 1 (the first request of valid is valid-1)",
    ]);
  });

  it('every subject that names a request is checked: status, upstream, body, decision, header, span', () => {
    const subjects = [
      'status: { request: nobody-1 }\n    equals: 1',
      'upstream: { request: nobody-1, field: path }\n    equals: /',
      'body: { request: nobody-1 }\n    equals: x',
      'decision: { request: nobody-1, plugin: router, field: verdict }\n    equals: next',
      'header: { request: nobody-1, name: x-a }\n    equals: x',
      'span: { request: nobody-1, name: gateway }\n    equals: x',
    ];
    const r = load(subjects.map((s) => `  - ${s}`).join('\n'));
    expect(errors(r)).toHaveLength(subjects.length);
    expect(errors(r).every((m) => m.includes("request 'nobody-1' names no client"))).toBe(true);
  });

  it('retries and client ids with digits and dashes are valid ids', () => {
    const r = load('  - status: { request: valid-3.retry2 }\n    equals: 200\n  - status: { request: no-token-1 }\n    equals: 401');
    expect(errors(r)).toEqual([]);
  });

  it('an expectation for one variant is checked against that variant\'s clients only', () => {
    const ok = load('  - status: { request: no-token-1 }\n    variants: [base]\n    equals: 401', true);
    expect(errors(ok)).toEqual([]);
    const bad = load('  - status: { request: no-token-1 }\n    variants: [solo]\n    equals: 401', true);
    expect(errors(bad)).toEqual([
      "x.yaml:19:24: error GL_E_EXPECT: variant 'solo': request 'no-token-1' names no client: there is no client 'no-token' (request ids are <client id>-<n>; the clients are valid)",
    ]);
  });

  it('property: an id made of a known client and a number ≥ 1 always loads (fast-check)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`request-refs property seed: ${seed}`);
    fc.assert(
      fc.property(fc.constantFrom('no-token', 'valid'), fc.integer({ min: 1, max: 1_000_000 }), fc.option(fc.integer({ min: 1, max: 9 })), (client, n, retry) => {
        const id = `${client}-${n}${retry === null ? '' : `.retry${retry}`}`;
        expect(errors(load(`  - status: { request: ${id} }\n    equals: 200`))).toEqual([]);
      }),
      { seed, numRuns: 50 },
    );
  });
});

function end(req: string, client: string, status: number, extra: Partial<Extract<TraceEvent, { type: 'request.end' }>> = {}): TraceEvent {
  return { type: 'request.end', t: 1, req, client, replica: 'gw-0', status, source: 'upstream', route: 'r', service: 's', ms: 1, gatewayMs: 1, upstreamMs: 0, ...extra };
}

function actuals(expectYaml: string, trace: TraceEvent[]): string[] {
  const r = load(expectYaml);
  if (!r.scenario) throw new Error(errors(r).join('\n'));
  return evaluateExpectations(r.scenario.expect, trace, 'base', r.scenario).map((x) => x.actual);
}

describe('when a named request has nothing to measure, the message says why', () => {
  const trace: TraceEvent[] = [
    end('valid-1', 'valid', 200, { headers: {} }),
    end('valid-2', 'valid', 200, { headers: {}, body: '{"ok":true}' }),
    end('no-token-1', 'no-token', 401, { source: 'gateway', upstreamMs: null, headers: {}, body: '{"message":"Unauthorized"}' }),
  ];

  it('a request number past the last one names how many the client sent', () => {
    expect(actuals('  - status: { request: valid-11 }\n    equals: 200', trace)).toEqual(['no request valid-11 in the trace (client valid sent 2: valid-1 to valid-2)']);
  });

  it('a request that never reached a backend says how it ended (upstream and upstream headers)', () => {
    const got = actuals(
      '  - upstream: { request: no-token-1, field: method }\n    equals: GET\n  - header: { request: no-token-1, name: authorization, side: upstream }\n    contains: Bearer',
      trace,
    );
    expect(got).toEqual([
      'request no-token-1 never reached a backend (it ended with 401 from the gateway)',
      'request no-token-1 never reached a backend (it ended with 401 from the gateway)',
    ]);
  });

  it('an empty body at the full level is called empty, not blamed on the trace level', () => {
    expect(actuals('  - body: { request: valid-1, path: message }\n    equals: x', trace)).toEqual(['the response to valid-1 (status 200) had an empty body']);
  });

  it('below the full level (no headers kept) the body message still points at the level', () => {
    expect(actuals('  - body: { request: valid-1 }\n    equals: x', [end('valid-1', 'valid', 200)])).toEqual([
      'no body for valid-1 (bodies are kept at the full trace level)',
    ]);
  });

  it('a client that gave up, or a front-balancer answer, is named as such', () => {
    const t = [end('valid-1', 'valid', 0, { source: 'client' }), end('valid-2', 'valid', 502, { source: 'front' })];
    expect(actuals('  - body: { request: valid-1 }\n    equals: x\n  - body: { request: valid-2 }\n    equals: x', t)).toEqual([
      'request valid-1 got no response: the client gave up (status 0)',
      'request valid-2 was answered 502 by the front balancer, which sends no body',
    ]);
  });

  it('a decision of a request that does not exist says so, not "no decision"', () => {
    expect(actuals('  - decision: { request: valid-5, plugin: jwt, field: reason }\n    contains: x', trace)).toEqual([
      'no request valid-5 in the trace (client valid sent 2: valid-1 to valid-2)',
    ]);
    expect(actuals('  - decision: { request: valid-1, plugin: jwt, field: reason }\n    contains: x', trace)).toEqual(['no jwt decision for request valid-1']);
  });

  it('a plugin name that did not decide lists the stage ids that did, in the order they first decided', () => {
    const decided: TraceEvent[] = [
      ...trace,
      { type: 'plugin.decision', t: 0.5, req: 'valid-1', plugin: 'router', phase: 'access', verdict: 'next', reason: 'route r' },
      { type: 'plugin.decision', t: 0.6, req: 'valid-1', plugin: 'rate-limit', phase: 'access', verdict: 'next', reason: '1 of 100' },
      { type: 'plugin.decision', t: 0.7, req: 'valid-1', plugin: 'balancer', phase: 'access', verdict: 'next', reason: 'one target' },
      { type: 'plugin.decision', t: 0.9, req: 'valid-1', plugin: 'rate-limit', phase: 'response', verdict: 'next', reason: 'headers' },
    ];
    expect(actuals('  - decision: { request: valid-1, plugin: rate-limiting, field: reason }\n    contains: x', decided)).toEqual([
      'no rate-limiting decision for request valid-1 (stages that decided: router, rate-limit, balancer)',
    ]);
  });
});
