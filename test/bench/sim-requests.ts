/**
 * Microseconds per simulated request, end to end through runVariant: one Kong route with
 * rate-limiting (policy local, a minute limit too high to bite), one client at a constant rate and a
 * lognormal backend, built in memory. Prints wall and CPU time per request at each trace level and the
 * ratio to a raw EventQueue loop firing the same number of events (4 per request: send, arrival,
 * upstream answer, answer back at the client). Bounded; prints; asserts nothing.
 *
 *   npx tsx test/bench/sim-requests.ts [requests=100000] [rounds=3]
 */
import { EventQueue, PRIORITY } from '../../engine/core/event-queue.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import type { Scenario } from '../../engine/scenario/types.ts';
import type { TraceLevel } from '../../engine/trace/events.ts';
import { cpuSeconds, median, printTable } from './table.ts';

const RATE_PER_SECOND = 1000;
const EVENTS_PER_REQUEST = 4;

export function simScenarioYaml(requests: number): string {
  const seconds = Math.max(1, Math.ceil(requests / RATE_PER_SECOND));
  return `id: bench-sim-requests
title: bench
topic: rate-limiting
summary: bench
start: 2026-01-01T12:00:00Z
seed: 7
duration: ${seconds}s
gateway:
  config:
    _format_version: "3.0"
    services:
      - name: orders-api
        url: http://orders.internal:8080
        routes:
          - name: orders-route
            paths: [/api/orders]
        plugins:
          - name: rate-limiting
            config:
              minute: 100000000
              limit_by: ip
              policy: local
clients:
  - id: steady
    ip: 203.0.113.7
    request:
      method: GET
      url: http://api.example.com/api/orders
    traffic:
      - constant: { rate: ${RATE_PER_SECOND}/s, from: 0s, to: ${seconds}s }
backends:
  - name: orders-api
    latency: { lognormal: { p50: 20ms, p99: 80ms } }
`;
}

export function loadSimScenario(requests: number): Scenario {
  const loaded = loadScenarioText(simScenarioYaml(requests), 'bench-sim-requests.yaml', (path) => {
    throw new Error(`bench scenario reads no files (asked for ${path})`);
  });
  if (!loaded.scenario) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.scenario;
}

interface Timing {
  wall: number;
  cpu: number;
  requests: number;
  hash: string;
}

export async function timeSim(scenario: Scenario, level: TraceLevel): Promise<Timing> {
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const run = await runVariant(scenario, 'base', { level, keepEvents: false });
  const wall = (performance.now() - t0) / 1000;
  return { wall, cpu: cpuSeconds() - cpu0, requests: run.requests, hash: run.traceHash };
}

/** The peer: the same number of EventQueue events, each handler scheduling the next a little later. */
export function timeRawQueue(events: number): { wall: number; cpu: number } {
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const queue = new EventQueue();
  let fired = 0;
  const tick = (step: number): void => {
    fired++;
    if (fired + 3 <= events) queue.schedule(queue.now + step, PRIORITY.arrival, tick, (step * 7) % 5 + 1);
  };
  // A few interleaved chains keep the heap non-trivial, like overlapping requests in the sim.
  for (let i = 0; i < 4 && i < events; i++) queue.schedule(i, PRIORITY.arrival, tick, i + 1);
  while (queue.size > 0) queue.step();
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - cpu0 };
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 100_000);
  const rounds = Number(process.argv[3] ?? 3);
  const scenario = loadSimScenario(requests);
  const levels: TraceLevel[] = ['summary', 'decisions', 'full'];
  // Warm-up: one small pass per level so the optimising tier has seen the code.
  const warm = loadSimScenario(Math.min(requests, 5_000));
  for (const level of levels) await timeSim(warm, level);
  const rows: string[][] = [];
  for (const level of levels) {
    const walls: number[] = [];
    const cpus: number[] = [];
    const rawWalls: number[] = [];
    const rawCpus: number[] = [];
    let last: Timing | undefined;
    for (let r = 0; r < rounds; r++) {
      const t = await timeSim(scenario, level);
      const raw = timeRawQueue(t.requests * EVENTS_PER_REQUEST);
      walls.push(t.wall);
      cpus.push(t.cpu);
      rawWalls.push(raw.wall);
      rawCpus.push(raw.cpu);
      last = t;
    }
    const n = last?.requests ?? 0;
    const cpuUs = (median(cpus) / n) * 1e6;
    const rawCpuUs = (median(rawCpus) / n) * 1e6;
    rows.push([
      level,
      `${n}`,
      ((median(walls) / n) * 1e6).toFixed(2),
      cpuUs.toFixed(2),
      rawCpuUs.toFixed(3),
      `${(cpuUs / rawCpuUs).toFixed(1)} ×`,
      (last?.hash ?? '').slice(0, 12),
    ]);
  }
  printTable(`Simulated requests, ${requests} per run, median of ${rounds}`, ['level', 'requests', 'wall µs/req', 'cpu µs/req', 'raw queue cpu µs/req', 'sim / raw', 'trace hash'], rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
