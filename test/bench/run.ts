/**
 * `npm run bench`: prints tables, asserts nothing. The machine is shared and noisy, so every number
 * is printed beside a peer measured in the same run (interleaved rounds, medians), and the ratio is
 * the figure to read; absolute speeds move with the neighbours' load. docs/benchmarks.md explains
 * each table.
 *
 *   npm run bench                      all six benches
 *   npm run bench -- --quick           a smaller, faster pass (smoke test)
 *   npm run bench -- --only=events     one of events | decisions | memory | sim | war-story | hash
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSchedule, timeDecisions } from './decisions.ts';
import { LAMBDA, MU, mmcMeanInSystem, runEngine, runRaw, SERVERS, type Mm4Options, type Mm4Result } from './mm4.ts';
import { sectionChoice } from './bench-args.ts';
import { median, millions, printTable, ratio } from './table.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const BENCHES = ['events', 'decisions', 'memory', 'sim', 'war-story', 'hash'];
const quick = args.includes('--quick');
const USAGE = `
npm run bench                      all six benches
npm run bench -- --quick           a smaller, faster pass (smoke test)
npm run bench -- --only=NAME       one of ${BENCHES.join(' | ')}
`;
const only = sectionChoice(args, USAGE, BENCHES);
const wants = (name: string): boolean => only === undefined || only === name;

const SIZES = quick
  ? { events: 200_000, rounds: 3, decisions: 100_000, keys: 1_000, decisionRounds: 1, memoryKeys: 100_000, simRequests: 20_000, simRounds: 1, warStory: 20_000 }
  : { events: 2_000_000, rounds: 7, decisions: 1_000_000, keys: 10_000, decisionRounds: 3, memoryKeys: 1_000_000, simRequests: 100_000, simRounds: 3, warStory: 300_000 };

function rate(r: Mm4Result): number {
  return r.events / r.seconds;
}

function benchEvents(): void {
  const rows: string[][] = [];
  const roundRows: string[][] = [];
  const theory = mmcMeanInSystem(LAMBDA, MU, SERVERS);
  for (const stations of [1, 1000]) {
    const o: Mm4Options = { stations, maxEvents: SIZES.events, maxSeconds: 10, seed: 2026 };
    // One unmeasured pass each, so both loops are compiled by the optimising tier before timing.
    runEngine({ ...o, maxEvents: Math.min(o.maxEvents, 200_000) });
    runRaw({ ...o, maxEvents: Math.min(o.maxEvents, 200_000) });
    const engine: number[] = [];
    const raw: number[] = [];
    const perRound: number[] = [];
    let same = true;
    let last: Mm4Result | undefined;
    for (let r = 0; r < SIZES.rounds; r++) {
      // Alternate who goes first, so a load spike in one half of a round does not favour one side.
      const pair = r % 2 === 0 ? [runEngine(o), runRaw(o)] : [runRaw(o), runEngine(o)].reverse();
      const [e, w] = pair as [Mm4Result, Mm4Result];
      engine.push(rate(e));
      raw.push(rate(w));
      perRound.push(rate(e) / rate(w));
      same &&= e.events === w.events && e.served === w.served && e.simTime === w.simTime;
      last = e;
      roundRows.push([`${stations}`, `${r + 1}`, millions(rate(e)), millions(rate(w)), ratio(rate(e) / rate(w))]);
    }
    const e = median(engine);
    const w = median(raw);
    rows.push([
      stations === 1 ? 'M/M/4, 1 station (≤ 5 pending)' : `M/M/4 × ${stations} stations (~${stations * 5} pending)`,
      `${(last?.events ?? 0).toLocaleString('en')}`,
      millions(e),
      millions(w),
      ratio(e / w),
      `${ratio(Math.min(...perRound))}–${ratio(Math.max(...perRound))}`,
      same ? 'yes' : 'NO',
      `${(last?.meanInSystem ?? 0).toFixed(3)} (theory ${theory.toFixed(3)})`,
    ]);
  }
  printTable(
    `Engine events per CPU second: M/M/4 (λ=${LAMBDA}, μ=${MU}, c=${SERVERS}, ρ=${(LAMBDA / (SERVERS * MU)).toFixed(1)}), gatelab EventQueue vs a hand-written typed-array heap, median of ${SIZES.rounds} interleaved rounds`,
    ['workload', 'events/run', 'engine/cpu-s', 'raw heap/cpu-s', 'engine ÷ raw', 'per-round range', 'same history', 'L (mean in system)'],
    rows,
  );
  printTable('  rounds', ['stations', 'round', 'engine/cpu-s', 'raw/cpu-s', 'ratio'], roundRows);
}

function benchDecisions(): void {
  const schedule = makeSchedule(SIZES.decisions, SIZES.keys, 10_000);
  const timings = timeDecisions(schedule, SIZES.decisionRounds, quick ? 2 : 5);
  const medians = timings.map((t) => median(t.rates));
  // The fastest real algorithm is the yardstick; the bare loop is the floor every one pays.
  const fastest = Math.max(...medians.slice(1));
  printTable(
    `Rate-limit decisions per CPU second: ${SIZES.decisions.toLocaleString('en')} requests over ${SIZES.keys.toLocaleString('en')} keys (skewed), ~10k req/s of schedule time; median of ${SIZES.decisionRounds} round(s)`,
    ['algorithm', 'config', 'decisions/s', 'ns/decision', 'vs fastest', 'admitted', 'deterministic'],
    timings.map((t, i) => {
      const m = medians[i] as number;
      return [
        t.name,
        t.config,
        millions(m),
        `${(1e9 / m).toFixed(0)} ns`,
        i === 0 ? '' : ratio(m / fastest),
        `${(((t.admitted[0] ?? 0) / SIZES.decisions) * 100).toFixed(1)} %`,
        t.admitted.every((a) => a === t.admitted[0]) ? 'yes' : 'NO',
      ];
    }),
  );
}

function benchMemory(): void {
  // global.gc exists only with --expose-gc, which `tsx test/bench/run.ts` does not pass: a child does it.
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join('test', 'bench', 'memory.ts'), String(SIZES.memoryKeys)], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 600_000,
  });
  if (child.status !== 0) console.log(`memory bench failed (status ${child.status ?? child.signal})`);
}

function benchSim(): void {
  // Its own process, so the other benches' heap and compiled code do not colour the per-request figures.
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('test', 'bench', 'sim-requests.ts'), String(SIZES.simRequests), String(SIZES.simRounds)],
    { cwd: ROOT, stdio: 'inherit', timeout: 600_000 },
  );
  if (child.status !== 0) console.log(`sim bench failed (status ${child.status ?? child.signal})`);
}

function benchWarStory(): void {
  // Its own process, as for sim; the time limit bounds it (three runs of the stretched war story).
  const child = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'bench', 'war-story.ts'), String(SIZES.warStory)], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 900_000,
  });
  if (child.status !== 0) console.log(`war-story bench failed (status ${child.status ?? child.signal})`);
}

function benchHash(): void {
  // Its own process, as for sim: ≈ 50 MB of war-story JSONL hashed by each SHA-256 backend.
  const [megabytes, rounds] = quick ? ['5', '1'] : ['50', '3'];
  const child = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'bench', 'hash.ts'), megabytes, rounds], { cwd: ROOT, stdio: 'inherit', timeout: 600_000 });
  if (child.status !== 0) console.log(`hash bench failed (status ${child.status ?? child.signal})`);
}

console.log(`gatelab bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}${quick ? ' (quick)' : ''}`);
console.log('Rates are per CPU second of this process, which a busy neighbour disturbs less than wall time; they still move\nwith the machine\'s load (caches, frequency), so read the ratios: peers measured in the same run.');
if (wants('events')) benchEvents();
if (wants('decisions')) benchDecisions();
if (wants('memory')) benchMemory();
if (wants('sim')) benchSim();
if (wants('war-story')) benchWarStory();
if (wants('hash')) benchHash();
