/**
 * Fires the fixed schedule at one nginx location over warm keep-alive connections and records, for
 * every request, the instant it was really sent (not the planned one), its status and latency, and
 * nginx's own view from the access log. Bounded: exactly REQUESTS_PER_LOCATION requests, 127.0.0.1 only.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { Observed } from './compare.ts';
import { GROUPS } from './schedule.ts';

export interface Fired {
  /** Measured send instants (performance.now() ms), one per request in schedule order. */
  sendsMs: number[];
  /** nginx's own instant for each request (wall-clock ms from its access log; NaN if no line). */
  nginxMs: number[];
  observed: Observed[];
  /** How far (ms) the real group instants strayed from the plan, largest first-request lag. */
  worstLateMs: number;
}

interface Sent {
  id: string;
  sendMs: number;
  status?: number;
  latencyMs?: number;
  error?: string;
}

/** Sleeps on a timer until ~2 ms before `target`, then spins: setTimeout alone is late by several ms. */
async function until(target: number): Promise<void> {
  const ahead = target - performance.now() - 2;
  if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
  while (performance.now() < target) {
    // spin: bounded by the 2 ms left
  }
}

/** Opens `n` keep-alive connections first, so no request of the schedule pays for a TCP handshake. */
export async function warm(pool: Pool, n: number): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await pool.request({ path: '/warm', method: 'GET' });
      await res.body.text();
    }),
  );
}

/** nginx prints `$msec` and `$request_time` as seconds with exactly three decimals: read them as integer ms. */
function secondsToMs(text: string): number {
  const [whole, frac = '0'] = text.split('.');
  return Number(whole) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3));
}

interface LogLine {
  status: number;
  limitReqStatus: string;
  startMs: number;
  requestTimeMs: number;
}

async function readLog(path: string, ids: readonly string[], deadline: number): Promise<Map<string, LogLine>> {
  const wanted = new Set(ids);
  for (;;) {
    const text = await readFile(path, 'utf8').catch(() => '');
    const found = new Map<string, LogLine>();
    for (const line of text.split('\n')) {
      const [id, status, lrs, msec, rt] = line.trim().split(' ');
      if (!id || !wanted.has(id) || !status || !lrs || !msec || !rt) continue;
      const requestTimeMs = secondsToMs(rt);
      // nginx's start instant (its cached clock when it read the request): $msec − $request_time.
      found.set(id, { status: Number(status), limitReqStatus: lrs, startMs: secondsToMs(msec) - requestTimeMs, requestTimeMs });
    }
    // nginx writes the line in its log phase, just after the response; give it a moment.
    if (found.size === wanted.size || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function fireSchedule(origin: string, path: string, accessLog: string, runId: string): Promise<Fired> {
  // One connection per request that can be in flight at once: delayed requests hold theirs.
  const pool = new Pool(origin, { connections: 32, pipelining: 1, keepAliveTimeout: 60_000 });
  try {
    await warm(pool, 32);
    const sent: Sent[] = [];
    const pending: Array<Promise<void>> = [];
    const start = performance.now() + 100;
    let worstLateMs = 0;
    for (const [offset, count] of GROUPS) {
      await until(start + offset);
      for (let i = 0; i < count; i++) {
        const s: Sent = { id: `${runId}-${sent.length}`, sendMs: performance.now() };
        if (i === 0) worstLateMs = Math.max(worstLateMs, s.sendMs - (start + offset));
        sent.push(s);
        pending.push(
          pool.request({ path, method: 'GET', headers: { 'x-gatelab-id': s.id } }).then(
            async (res) => {
              s.latencyMs = performance.now() - s.sendMs;
              s.status = res.statusCode;
              await res.body.text();
            },
            (err: unknown) => {
              s.error = String(err);
            },
          ),
        );
      }
    }
    await Promise.all(pending);
    const failed = sent.find((s) => s.error);
    if (failed) throw new Error(`request ${failed.id} failed: ${failed.error}`);
    const log = await readLog(accessLog, sent.map((s) => s.id), Date.now() + 3000);
    const observed: Observed[] = sent.map((s) => {
      const line = log.get(s.id);
      return {
        status: s.status ?? 0,
        limitReqStatus: line?.limitReqStatus ?? '-',
        requestTimeMs: line?.requestTimeMs ?? Number.NaN,
        latencyMs: s.latencyMs ?? Number.NaN,
      };
    });
    const nginxMs = sent.map((s) => log.get(s.id)?.startMs ?? Number.NaN);
    return { sendsMs: sent.map((s) => s.sendMs), nginxMs, observed, worstLateMs };
  } finally {
    await pool.close();
  }
}
