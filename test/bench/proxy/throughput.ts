/**
 * Closed-loop throughput with wrk (-t1 -c50, ≤ 10 s a round) against every peer, rounds interleaved
 * (A B C … then C B A …), medians. CPU µs per request is the peer's own CPU time (utime + stime of
 * its process tree, from /proc) over the requests wrk completed in that round.
 */
import { BENCH_KEY } from './peers/policies.ts';
import { cpuMicros, type RunningPeer } from './process-tools.ts';
import { runWrk, type WrkResult } from './wrk.ts';
import { median } from '../table.ts';

export interface PeerRow {
  peer: RunningPeer;
  policies: boolean;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  perRoundRps: number[];
}

interface Round extends WrkResult {
  cpuUs: number;
}

async function measure(peer: RunningPeer, policies: boolean, seconds: number): Promise<Round> {
  const before = cpuMicros(peer.pid);
  const r = await runWrk({ port: peer.port, seconds, headers: policies ? { apikey: BENCH_KEY } : {} });
  const cpuUs = cpuMicros(peer.pid) - before;
  if (r.non2xx > 0 || r.socketErrors > 0) {
    throw new Error(`GL_E_BENCH_INVALID: ${peer.name} answered ${r.non2xx} non-2xx and had ${r.socketErrors} socket errors in a round; its policies must let every request through`);
  }
  return { ...r, cpuUs };
}

export async function throughput(peers: ReadonlyArray<{ peer: RunningPeer; policies: boolean }>, rounds: number, seconds: number, log: (s: string) => void): Promise<PeerRow[]> {
  const results = peers.map(() => [] as Round[]);
  // One unmeasured pass each: JIT warm-up (gatelab needs a few seconds of it) and upstream connections opened.
  for (const p of peers) await measure(p.peer, p.policies, Math.min(5, seconds));
  for (let round = 0; round < rounds; round++) {
    const order = peers.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const p = peers[i] as { peer: RunningPeer; policies: boolean };
      const r = await measure(p.peer, p.policies, seconds);
      (results[i] as Round[]).push(r);
      log(`  round ${round + 1}/${rounds} ${p.peer.name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(2)} ms, ${(r.cpuUs / r.requests).toFixed(1)} CPU µs/req`);
    }
  }
  return peers.map((p, i) => {
    const rs = results[i] as Round[];
    return {
      peer: p.peer,
      policies: p.policies,
      rps: median(rs.map((r) => r.rps)),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      cpuUsPerRequest: median(rs.map((r) => r.cpuUs / r.requests)),
      perRoundRps: rs.map((r) => r.rps),
    };
  });
}
