/**
 * The run's trace hash (the structural compact form, issue #9) on real traces: the digest a run
 * computes as it goes, the digest of its kept events after the run and the digest of its JSONL file
 * re-parsed are one, at `decisions` and `full`; the lossless mode agrees between events and JSONL too,
 * and the JSON-lines hash of the kept events is the SHA-256 of that JSONL.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/load.ts';
import { runVariant } from '../runtimes/sim/run-scenario.ts';
import { createHash } from 'node:crypto';
import { compactHashOfJsonl, compactTraceHash, jsonlHash, traceHash } from './hash.ts';
import { toJsonl } from './sink.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FILES = [
  'scenarios/capacity/kong-bottleneck.yaml',
  'scenarios/rate-limiting/boundary-burst.yaml',
  'scenarios/canary/shadow-traffic.yaml',
  'scenarios/observability/trace-propagation.yaml',
  'scenarios/auth/jwks-cache.yaml',
];

describe('compact trace hash on scenario traces', () => {
  it.each(FILES.map((f) => [f]))('%s: during the run, after it and from its JSONL, one digest', async (file) => {
    const scenario = loadScenario(join(ROOT, file), (p) => readFileSync(resolve(p), 'utf8')).scenario;
    expect(scenario, file).toBeDefined();
    const variant = scenario!.variants[0]?.name ?? 'base';
    for (const level of ['decisions', 'full'] as const) {
      const kept = await runVariant(scenario!, variant, { level });
      const jsonl = toJsonl(kept.events);
      const digest = traceHash(kept.events);
      expect(kept.traceHash, `${file} ${level}: the run's hash is the structural hash of its events`).toBe(digest);
      expect(compactTraceHash(kept.events, { mode: 'structural' })).toBe(digest);
      expect(compactHashOfJsonl(jsonl), `${file} ${level} from JSONL`).toBe(digest);
      // Hashed as the events come, none kept (the path the war story and the lab's streaming take).
      const during = await runVariant(scenario!, variant, { level, keepEvents: false });
      expect(during.traceHash, `${file} ${level} during the run`).toBe(digest);
      expect(compactHashOfJsonl(jsonl, { mode: 'lossless' })).toBe(compactTraceHash(kept.events, { mode: 'lossless' }));
      expect(jsonlHash(kept.events)).toBe(createHash('sha256').update(jsonl).digest('hex'));
      expect(jsonlHash(kept.events)).not.toBe(digest);
    }
  }, 120_000);
});
