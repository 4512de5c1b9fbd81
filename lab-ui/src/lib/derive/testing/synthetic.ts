/**
 * Small hand-written traces for unit tests: the shape the engine emits, without running it, so
 * derive functions are tested on exactly the cases they must handle.
 */
import type { TraceEvent } from '../../../../../engine/trace/events.ts';

export interface SyntheticRequest {
  id: string;
  client?: string;
  replica?: string;
  at: number;
  /** Gateway replies with this status at `at` (a rejection); otherwise a backend answers. */
  reject?: { status: number; plugin: string; reason: string };
  upstreamMs?: number;
  status?: number;
  /** Leave the request unfinished. */
  open?: boolean;
  data?: Record<string, number | string>;
}

export function syntheticTrace(reqs: SyntheticRequest[], opts: { variant?: string; endT?: number; narration?: Array<[number, string]> } = {}): TraceEvent[] {
  const out: TraceEvent[] = [
    { type: 'run.start', t: 0, scenario: 'synthetic', variant: opts.variant ?? 'base', seed: 1, start: '2026-01-01T12:00:00.000Z' },
    { type: 'config.load', t: 0, replica: 'gw-0', dialect: 'kong', routes: 1, plugins: ['rate-limit'] },
  ];
  const timed: TraceEvent[] = [];
  for (const [t, text] of opts.narration ?? []) timed.push({ type: 'narration', t, text });
  for (const r of reqs) {
    const client = r.client ?? 'c1';
    const replica = r.replica ?? 'gw-0';
    const req = r.id;
    timed.push({ type: 'request.start', t: r.at, req, client, replica, method: 'GET', url: 'http://api.example.com/x', peerIp: '203.0.113.7', headers: { host: 'api.example.com' } });
    timed.push({ type: 'plugin.decision', t: r.at, req, plugin: 'router', phase: 'access', verdict: 'next', reason: 'route r matched', data: { route: 'r' } });
    if (r.reject) {
      timed.push({ type: 'plugin.decision', t: r.at, req, plugin: r.reject.plugin, phase: 'access', verdict: 'reply', status: r.reject.status, reason: r.reject.reason, data: r.data ?? {} });
      if (!r.open) {
        timed.push({ type: 'request.end', t: r.at, req, client, replica, status: r.reject.status, source: 'gateway', route: 'r', service: 's', ms: 0, gatewayMs: 0, upstreamMs: null, headers: { 'retry-after': '1' }, body: '{"message":"API rate limit exceeded"}' });
      }
      continue;
    }
    timed.push({ type: 'plugin.decision', t: r.at, req, plugin: 'rate-limit', phase: 'access', verdict: 'next', reason: 'within limit', data: r.data ?? {} });
    timed.push({ type: 'plugin.decision', t: r.at, req, plugin: 'balancer', phase: 'access', verdict: 'next', reason: 'to s', data: { service: 's' } });
    timed.push({ type: 'upstream.send', t: r.at, req, service: 's', target: 's.internal:8080', method: 'GET', host: 's.internal:8080', path: '/', headers: { 'x-forwarded-for': '203.0.113.7' } });
    if (r.open) continue;
    const up = r.upstreamMs ?? 10;
    timed.push({ type: 'upstream.response', t: r.at + up, req, status: r.status ?? 200, ms: up });
    timed.push({ type: 'plugin.decision', t: r.at + up, req, plugin: 'rate-limit', phase: 'response', verdict: 'next', reason: 'added headers', data: { headers: 5 } });
    timed.push({ type: 'request.end', t: r.at + up, req, client, replica, status: r.status ?? 200, source: 'upstream', route: 'r', service: 's', ms: up, gatewayMs: 0, upstreamMs: up, headers: { 'x-ratelimit-remaining-minute': '1' } });
  }
  // The engine's queue fires by time, then insertion: a stable sort by t gives the same order.
  timed.sort((a, b) => a.t - b.t);
  out.push(...timed);
  out.push({ type: 'run.end', t: opts.endT ?? Math.max(1000, ...timed.map((e) => e.t)), requests: reqs.length });
  return out;
}
