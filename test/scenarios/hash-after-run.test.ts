/**
 * The lab's worker runs without hashing (RunOptions.hash false), delivers the run, and then hashes the
 * events it kept: that must give the digest a run that hashes as it goes gives — for every scenario
 * variant at `full`, the lab's level. It would fail if an event were changed after it was emitted
 * (a plugin mutating data it had put in a decision), since the late hash would read the change.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findScenarioFiles } from '../../engine/cli/io.ts';
import { loadScenario } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { traceHash } from '../../engine/trace/hash.ts';
import { ROOT } from '../support/cli.ts';

const files = findScenarioFiles([join(ROOT, 'scenarios')]);
const read = (p: string) => readFileSync(resolve(p), 'utf8');

describe('hashing the kept events after the run gives the run\'s own trace hash (level full)', () => {
  it.each(files.map((f) => [f.slice(ROOT.length + 1)]))('%s', async (file) => {
    const scenario = loadScenario(join(ROOT, file), read).scenario;
    expect(scenario, file).toBeDefined();
    for (const v of scenario!.variants) {
      const hashed = await runVariant(scenario!, v.name, { level: 'full', keepEvents: false });
      const late = await runVariant(scenario!, v.name, { level: 'full', hash: false });
      expect(late.traceHash, 'no hash during the run').toBe('');
      expect(traceHash(late.events), `${file} ${v.name}`).toBe(hashed.traceHash);
    }
  }, 120_000);
});
