/**
 * The scenario loader on mutated real scenarios (their config files read from disk, as the CLI does)
 * and on structured trees of scenario fields: it never throws, every diagnostic — the scenario's own
 * and those of the config files it names — is placed and coded, a scenario comes back exactly when
 * there is no error, and no prototype changes. engine/scenario/load.property.test.ts covers good.yaml.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { hasErrors } from '../../engine/core/errors.ts';
import { applyVariant, loadScenarioText } from '../../engine/scenario/load.ts';
import { expectPlaced, expectPrototypesUntouched, fuzzSeed, runs, yamlishText } from './fuzz-kit.ts';

const seed = fuzzSeed('scenario loader', 0x5ce4a2);

const SCENARIOS = [
  'scenarios/rate-limiting/boundary-burst.yaml',
  'scenarios/rate-limiting/token-bucket-flavours.yaml',
  'scenarios/routing/kong-snippets.yaml',
  'scenarios/routing/gateway-api-snippets.yaml',
  'scenarios/routing/ingress-snippets.yaml',
  'scenarios/resilience/circuit-breaker-states.yaml',
  'scenarios/canary/canary-ramp.yaml',
  'scenarios/capacity/deploy-502-blip.yaml',
  'scenarios/auth/partner-tiers.yaml',
];
const TEXTS = new Map(SCENARIOS.map((f) => [f, readFileSync(f, 'utf8')]));
const readFromDisk = (p: string): string => readFileSync(p, 'utf8');

function check(file: string, text: string): void {
  const r = loadScenarioText(text, file, readFromDisk);
  expectPlaced(r.diagnostics, new Map([[file, text.split('\n').length]]));
  expect(r.scenario !== undefined).toBe(!hasErrors(r.diagnostics));
  for (const v of r.scenario?.variants ?? []) expectPlaced(applyVariant(r.scenario!, v.name).diagnostics);
  expectPrototypesUntouched();
}

describe('the scenario loader on hostile input', () => {
  it('the real scenarios load cleanly (the fixtures the mutations start from)', () => {
    for (const [file, text] of TEXTS) expect(hasErrors(loadScenarioText(text, file, readFromDisk).diagnostics), file).toBe(false);
  });

  it('mutated real scenarios: never throws, every diagnostic placed, prototypes intact', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCENARIOS).chain((file) => yamlishText([TEXTS.get(file) as string]).map((text) => ({ file, text }))),
        ({ file, text }) => check(file, text),
      ),
      { seed, numRuns: runs(50) },
    );
  });

  const FIELDS = ['id', 'title', 'topic', 'summary', 'start', 'duration', 'seed', 'gateway', 'format', 'config', 'files', 'overlays', 'clients', 'ip', 'request', 'url', 'method', 'headers', 'traffic', 'burst', 'at', 'count', 'constant', 'rate', 'backends', 'name', 'latency', 'events', 'outage', 'degrade', 'variants', 'patch', 'expect', 'equals', 'between', 'replicas', 'timeout', 'retry', 'attempts'];
  const WORDS = ['1m', '0', '-3s', '2026-01-01T12:00:00Z', '10/s', 'kong', 'ir', 'http://api.example.com/x', '10.0.0.1', 'configs/nope.yaml', 'base', 'toString', 'constructor'];
  const { value } = fc.letrec<{ value: unknown; list: unknown[]; record: Record<string, unknown> }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.constantFrom(...WORDS), fc.integer({ min: -5, max: 100000 }), fc.constantFrom(2 ** 53 - 1, 0.5, null, true)),
      tie('list'),
      tie('record'),
    ),
    list: fc.array(tie('value'), { maxLength: 3 }),
    record: fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 6, noNullPrototype: true }),
  }));

  it('structured scenario trees on top of a real one: the same properties', () => {
    const base = 'scenarios/rate-limiting/boundary-burst.yaml';
    const good = parse(TEXTS.get(base) as string) as Record<string, unknown>;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 4, noNullPrototype: true }), (extra) => {
        // Replace some top-level fields of a good scenario, so conversion (not only the schema) runs.
        check(base, stringify({ ...good, ...extra }));
      }),
      { seed, numRuns: runs(30) },
    );
  });
});
