/**
 * The measuring loop shared by the paired benchmarks (ablation.ts, ab.ts): every side under the same
 * wrk load in turn, round after round, the order reversed every other round (A B C, C B A, …) so a
 * neighbour's burst on this shared machine does not always hit the same side. CPU is the peer's own
 * process tree over the requests wrk completed.
 */
import { BENCH_KEY } from './peers/policies.ts';
import { cpuMicros, type RunningPeer } from './process-tools.ts';
import { runWrk } from './wrk.ts';

export interface RoundResult {
  us: number;
  rps: number;
}

/** CPU µs per request and req/s of one wrk run against `peer`; a round with errors is refused. */
export async function cpuPerRequest(peer: RunningPeer, seconds: number): Promise<RoundResult> {
  const before = cpuMicros(peer.pid);
  // Every side gets the same request, key included, so only what the proxy does differs.
  const r = await runWrk({ port: peer.port, seconds, headers: { apikey: BENCH_KEY } });
  const cpuUs = cpuMicros(peer.pid) - before;
  if (r.non2xx > 0 || r.socketErrors > 0) throw new Error(`GL_E_BENCH_INVALID: ${peer.name}: ${r.non2xx} non-2xx, ${r.socketErrors} socket errors in a round`);
  return { us: cpuUs / r.requests, rps: r.rps };
}

/** Interleaved rounds; per side, each round's µs/req and req/s. `after` hears each measurement and each round's end. */
export async function interleavedRounds(
  sides: readonly RunningPeer[],
  rounds: number,
  seconds: number,
  after: { measured?: (round: number, side: number, r: RoundResult) => void; round?: (round: number) => void } = {},
): Promise<{ us: number[][]; rps: number[][] }> {
  const us = sides.map(() => [] as number[]);
  const rps = sides.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    const order = sides.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const r = await cpuPerRequest(sides[i] as RunningPeer, seconds);
      (us[i] as number[]).push(r.us);
      (rps[i] as number[]).push(r.rps);
      after.measured?.(round, i, r);
    }
    after.round?.(round);
  }
  return { us, rps };
}
