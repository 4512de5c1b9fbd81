/**
 * Determinism (design.md): every scenario, run twice with its seed, gives the same trace hash — in
 * every variant — and every request ends exactly once. Both hashes must also equal the golden ones in
 * golden/trace-hashes.json, so a change meant to keep behaviour (a speed-up, a refactor) cannot
 * change a trace unnoticed: `traceHash`, the run's own (the structural compact form, which leaves a
 * decision's `reason` and `data` out), and `jsonl`, the SHA-256 of the kept events' JSON lines
 * computed after the run, which pins every byte, wording included. A change that alters behaviour on
 * purpose regenerates the file:
 *   npx tsx scripts/trace-hashes.ts --levels=decisions --golden > test/scenarios/golden/trace-hashes.json
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findScenarioFiles } from '../../engine/cli/io.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { jsonlHash } from '../../engine/trace/hash.ts';
import { ROOT } from '../support/cli.ts';

const files = findScenarioFiles([join(ROOT, 'scenarios')]);
const golden = JSON.parse(readFileSync(join(ROOT, 'test/scenarios/golden/trace-hashes.json'), 'utf8')) as Record<string, { traceHash: string; jsonl: string }>;
const read = (p: string) => readFileSync(resolve(p), 'utf8');

describe.each(files.map((f) => [f.slice(ROOT.length + 1)]))('%s', (file) => {
  const loaded = loadScenario(join(ROOT, file), read);

  it('loads without errors', () => {
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  // Capacity scenarios run 100k requests per variant, twice: a guard against hangs, not a speed check.
  it('gives the same trace hash twice in every variant, and each request ends once', async () => {
    const scenario = loaded.scenario!;
    for (const v of scenario.variants) {
      const a = await runVariant(scenario, v.name, { level: 'decisions' });
      const b = await runVariant(scenario, v.name, { level: 'decisions' });
      expect(a.diagnostics.filter((d) => d.severity === 'error'), v.name).toEqual([]);
      expect(a.traceHash, v.name).toMatch(/^[0-9a-f]{64}$/);
      expect(b.traceHash, v.name).toBe(a.traceHash);
      const pinned = golden[`${file} ${v.name}`];
      const regenerate = 'if on purpose, regenerate the golden file (see the top of this test)';
      expect(a.traceHash, `${file} ${v.name}: the trace changed; ${regenerate}`).toBe(pinned?.traceHash);
      expect(jsonlHash(a.events), `${file} ${v.name}: the trace's bytes changed (a reason or a decision's data?); ${regenerate}`).toBe(pinned?.jsonl);
      const ends = a.events.filter((e) => e.type === 'request.end').map((e) => (e as { req: string }).req);
      expect(new Set(ends).size, v.name).toBe(ends.length);
      expect(ends.length, v.name).toBe(a.requests);
    }
  }, 600_000);
});

describe('determinism over seeds (fast-check)', () => {
  it('boundary-burst: any seed, two runs, one hash', async () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`determinism property seed: ${seed}`);
    const scenario = loadScenario(join(ROOT, 'scenarios/rate-limiting/boundary-burst.yaml'), read).scenario!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (s) => {
        const a = await runVariant(scenario, 'base', { level: 'decisions', seed: s });
        const b = await runVariant(scenario, 'base', { level: 'decisions', seed: s });
        expect(b.traceHash).toBe(a.traceHash);
      }),
      { seed, numRuns: 10 },
    );
  });
});
