/**
 * Prints every scenario's trace hashes per variant and level as one JSON object, so a change meant to
 * keep behaviour (a speed-up, a refactor) can be checked against the hashes from before it:
 *
 *   npx tsx scripts/trace-hashes.ts [--levels=decisions,full] [DIR…] > after.json
 *   diff before.json after.json
 *
 * Each entry has two hashes. `traceHash` is the run's own (the structural compact form, engine/trace/
 * hash.ts), which leaves a decision's `reason` and `data` out; `jsonl` is the SHA-256 of the kept
 * events' JSON lines, computed after the run (as test/scenarios/hash-after-run.test.ts does), which
 * pins every byte — so a change to a reason's wording or a decision's data still shows here.
 *
 * With --golden (and one level) the keys leave the level out: the form of
 * test/scenarios/golden/trace-hashes.json, which the determinism test compares against.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { findScenarioFiles } from '../engine/cli/io.ts';
import { loadScenario } from '../engine/scenario/load.ts';
import { runVariant } from '../engine/runtimes/sim/run-scenario.ts';
import type { TraceLevel } from '../engine/trace/events.ts';
import { jsonlHash } from '../engine/trace/hash.ts';

const args = process.argv.slice(2);
const levelsArg = args.find((a) => a.startsWith('--levels='));
const levels = (levelsArg?.slice('--levels='.length) ?? 'decisions,full').split(',') as TraceLevel[];
const golden = args.includes('--golden');
if (golden && levels.length !== 1) throw new Error('--golden takes exactly one level, e.g. --levels=decisions');
const dirs = args.filter((a) => !a.startsWith('--'));
const root = resolve('.');
const files = findScenarioFiles((dirs.length > 0 ? dirs : ['scenarios']).map((d) => resolve(d)));
/** A scenario's entry: its two hashes, or why it has none. */
type Entry = { traceHash: string; jsonl: string } | 'did not load';
const out: Record<string, Entry> = {};
for (const file of files) {
  const loaded = loadScenario(file, (p) => readFileSync(p, 'utf8'));
  const name = relative(root, file);
  if (!loaded.scenario) {
    out[name] = 'did not load';
    continue;
  }
  for (const v of loaded.scenario.variants) {
    for (const level of levels) {
      // Events kept for the JSON-lines hash; the run hashes its own form as it goes.
      const run = await runVariant(loaded.scenario, v.name, { level });
      out[golden ? `${name} ${v.name}` : `${name} ${v.name} ${level}`] = { traceHash: run.traceHash, jsonl: jsonlHash(run.events) };
    }
  }
  process.stderr.write(`${name}\n`);
}
console.log(JSON.stringify(out, null, 1));
