/**
 * Clients, backends and the latency models between them: from YAML shapes to the sim's units
 * (milliseconds, requests per second, header pairs).
 */
import ipaddr from 'ipaddr.js';
import type { JsonPath } from '../config/yaml-source.ts';
import type { BackendSpec, ClientRetrySpec, ClientSpec, LatencyModel, TrafficSpec } from './types.ts';
import type { RawBackend, RawBody, RawClient, RawHeaders, RawLatency, RawRetry, RawTraffic } from './raw.ts';
import { formatDuration } from '../core/duration.ts';
import { durationAt, instantAt, rateOf, report, type ConvertContext } from './convert-context.ts';
import { durationMs } from './instants.ts';
import { backendCalls, checkCallCycles } from './convert-backend-calls.ts';

export function latencyModel(ctx: ConvertContext, raw: RawLatency | undefined, path: JsonPath): LatencyModel {
  if (raw === undefined || typeof raw !== 'object') return { kind: 'constant', ms: durationAt(ctx, raw ?? 0, path) };
  if ('uniform' in raw) {
    const [lo, hi] = raw.uniform;
    const minMs = durationAt(ctx, lo, [...path, 'uniform', 0]);
    const maxMs = durationAt(ctx, hi, [...path, 'uniform', 1]);
    if (minMs > maxMs) report(ctx, 'GL_E_SCHEMA', [...path, 'uniform'], `uniform range [${lo}, ${hi}] has min above max`, 'write [min, max]');
    return { kind: 'uniform', minMs, maxMs };
  }
  if ('normal' in raw) {
    return {
      kind: 'normal',
      meanMs: durationAt(ctx, raw.normal.mean, [...path, 'normal', 'mean']),
      stddevMs: durationAt(ctx, raw.normal.stddev, [...path, 'normal', 'stddev']),
    };
  }
  const p50Ms = durationAt(ctx, raw.lognormal.p50, [...path, 'lognormal', 'p50']);
  const p99Ms = durationAt(ctx, raw.lognormal.p99, [...path, 'lognormal', 'p99']);
  // A log-normal is fitted from the two quantiles; p99 below p50 has no such distribution.
  if (p99Ms < p50Ms) report(ctx, 'GL_E_SCHEMA', [...path, 'lognormal', 'p99'], 'p99 is below p50', 'p99 must be at least p50');
  if (p50Ms <= 0 && p99Ms > 0) report(ctx, 'GL_E_SCHEMA', [...path, 'lognormal', 'p50'], 'a log-normal needs p50 above 0', 'give p50 a positive duration, or use uniform');
  return { kind: 'lognormal', p50Ms, p99Ms };
}

/** Header pairs in the order written; a list sends the header once per value. */
export function headerPairs(raw: RawHeaders | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, v] of Object.entries(raw ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) out.push([name, String(one)]);
  }
  return out;
}

/** Text as written; a mapping or list is sent as JSON, which is what an author writing one means. */
export function bodyText(raw: RawBody | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

function window(ctx: ConvertContext, w: { from?: unknown; to?: unknown }, path: JsonPath): { fromMs: number; toMs: number } {
  const fromMs = w.from === undefined ? 0 : instantAt(ctx, w.from, [...path, 'from']);
  const toMs = w.to === undefined ? ctx.durationMs : instantAt(ctx, w.to, [...path, 'to']);
  if (fromMs > toMs) report(ctx, 'GL_E_INSTANT', [...path, 'to'], 'to is before from', 'a window runs from its from instant to its later to instant');
  return { fromMs, toMs };
}

function traffic(ctx: ConvertContext, raw: RawTraffic, path: JsonPath): TrafficSpec {
  if (raw.burst) {
    const p = [...path, 'burst'];
    const spacingMs = raw.burst.spacing === undefined ? 0 : durationAt(ctx, raw.burst.spacing, [...p, 'spacing']);
    return { kind: 'burst', atMs: instantAt(ctx, raw.burst.at, [...p, 'at']), count: raw.burst.count, spacingMs };
  }
  if (raw.constant) return { kind: 'constant', rate: rateOf(raw.constant.rate), ...window(ctx, raw.constant, [...path, 'constant']) };
  if (raw.poisson) return { kind: 'poisson', rate: rateOf(raw.poisson.rate), ...window(ctx, raw.poisson, [...path, 'poisson']) };
  if (raw.ramp) {
    const w = window(ctx, raw.ramp, [...path, 'ramp']);
    return { kind: 'ramp', startRate: rateOf(raw.ramp.startRate), endRate: rateOf(raw.ramp.endRate), ...w };
  }
  const list = raw.at ?? [];
  return { kind: 'list', atMs: list.map((v, i) => instantAt(ctx, v, [...path, 'at', i])).sort((a, b) => a - b) };
}

function isIp(text: string): boolean {
  // Four-part decimal only: ipaddr.js also takes legacy forms like "10.1" that no one means here.
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** What a `retry` block means where it says nothing (the schema's defaults, in the sim's units). */
export const RETRY_DEFAULTS = { onStatuses: [500, 502, 503, 504], baseMs: 100, maxMs: 10_000, jitter: 0 } as const;

/** The client's own timeout; 0 would fail every request before it is sent, which no one means. */
function clientTimeout(ctx: ConvertContext, raw: RawClient['timeout'], path: JsonPath): number | undefined {
  if (raw === undefined) return undefined;
  const ms = durationAt(ctx, raw, path);
  // A negative timeout is already reported (and read as 0) by durationAt; say one thing per mistake.
  if (ms === 0 && durationMs(raw) === 0) report(ctx, 'GL_E_DURATION', path, 'a client timeout must be longer than 0', 'give it a length such as 2s, or remove timeout to let the client wait forever');
  return ms;
}

function retrySpec(ctx: ConvertContext, raw: RawRetry, path: JsonPath, hasTimeout: boolean): ClientRetrySpec {
  const onStatuses: number[] = [];
  (raw.on ?? RETRY_DEFAULTS.onStatuses).forEach((status, i) => {
    if (!onStatuses.includes(status)) onStatuses.push(status);
    else report(ctx, 'GL_W_NO_EFFECT', [...path, 'on', i], `status ${status} is already listed`, 'list each status once', { severity: 'warning' });
  });
  if (raw.attempts > 0 && onStatuses.length === 0 && !hasTimeout) {
    report(ctx, 'GL_W_NO_EFFECT', [...path, 'on'], 'this retry never happens: on lists no status and the client has no timeout', 'list the statuses to retry on, such as [502, 503], or give the client a timeout', {
      severity: 'warning',
    });
  }
  const b = raw.backoff ?? {};
  const bp = [...path, 'backoff'];
  const baseMs = b.base === undefined ? RETRY_DEFAULTS.baseMs : durationAt(ctx, b.base, [...bp, 'base']);
  const maxMs = b.max === undefined ? RETRY_DEFAULTS.maxMs : durationAt(ctx, b.max, [...bp, 'max']);
  if (baseMs > maxMs) {
    const max = b.max === undefined ? `the default max ${formatDuration(maxMs)}` : `max ${formatDuration(maxMs)}`;
    report(ctx, 'GL_E_SCHEMA', [...bp, b.max === undefined ? 'base' : 'max'], `backoff base ${formatDuration(baseMs)} is above ${max}`, 'max caps every wait, so base must not exceed it: lower base or raise max');
  }
  return { attempts: raw.attempts, onStatuses, backoff: { baseMs, maxMs, jitter: b.jitter ?? RETRY_DEFAULTS.jitter } };
}

export function clients(ctx: ConvertContext, raw: RawClient[]): ClientSpec[] {
  const seen = new Map<string, number>();
  return raw.map((c, i) => {
    const path = ['clients', i];
    const first = seen.get(c.id);
    if (first !== undefined) {
      const line = ctx.map.locate(['clients', first, 'id']).line;
      report(ctx, 'GL_E_SCHEMA', [...path, 'id'], `duplicate client id '${c.id}' (first used on line ${line})`, 'give every client its own id');
    } else seen.set(c.id, i);
    if (!isIp(c.ip)) report(ctx, 'GL_E_SCHEMA', [...path, 'ip'], `'${c.ip}' is not an IPv4 or IPv6 address`, 'write an address such as 203.0.113.7 or 2001:db8::7');
    if (!isHttpUrl(c.request.url)) {
      report(ctx, 'GL_E_SCHEMA', [...path, 'request', 'url'], `'${c.request.url}' is not an absolute http(s) URL`, 'write the scheme and host, such as http://api.example.com/orders');
    }
    const body = bodyText(c.request.body);
    const timeoutMs = clientTimeout(ctx, c.timeout, [...path, 'timeout']);
    return {
      id: c.id,
      ip: c.ip,
      request: {
        method: c.request.method ?? 'GET',
        url: c.request.url,
        headers: headerPairs(c.request.headers),
        ...(body !== undefined ? { body } : {}),
      },
      traffic: c.traffic.map((t, j) => traffic(ctx, t, [...path, 'traffic', j])),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(c.retry ? { retry: retrySpec(ctx, c.retry, [...path, 'retry'], timeoutMs !== undefined) } : {}),
      ...(c.cookies === 'keep' ? { cookies: 'keep' as const } : {}),
    };
  });
}

export function backends(ctx: ConvertContext, raw: RawBackend[]): BackendSpec[] {
  const seen = new Set<string>();
  const names = raw.map((b) => b.name);
  checkCallCycles(ctx, raw);
  return raw.map((b, i) => {
    const path = ['backends', i];
    if (seen.has(b.name)) report(ctx, 'GL_E_SCHEMA', [...path, 'name'], `duplicate backend name '${b.name}'`, 'give every backend its own name');
    seen.add(b.name);
    // Without a worker limit nothing ever waits, so a queue length would silently mean nothing.
    if (b.queue !== undefined && b.concurrency === undefined) {
      report(ctx, 'GL_E_SCHEMA', [...path, 'queue'], 'queue needs concurrency beside it', 'requests queue only for a backend with a worker limit: add concurrency, or remove queue', { key: true });
    }
    const body = bodyText(b.body);
    return {
      name: b.name,
      latency: latencyModel(ctx, b.latency, [...path, 'latency']),
      errorRate: b.errorRate ?? 0,
      errorStatus: b.errorStatus ?? 500,
      status: b.status ?? 200,
      headers: headerPairs(b.headers),
      ...(body !== undefined ? { body } : {}),
      ...(b.concurrency !== undefined ? { concurrency: b.concurrency } : {}),
      ...(b.queue !== undefined ? { queue: b.queue } : {}),
      ...withCalls(ctx, b, i, names),
      ...(b.tracing !== undefined ? { tracing: b.tracing } : {}),
    };
  });
}

function withCalls(ctx: ConvertContext, b: RawBackend, i: number, names: string[]): Pick<BackendSpec, 'calls'> {
  const calls = backendCalls(ctx, b, i, names);
  return calls ? { calls } : {};
}
