/**
 * A tiny fake request context, host, config reporter and counter store for the plugin's own tests:
 * enough to drive the hooks directly, with no pipeline and no simulator.
 */
import { HeaderMap } from '../../pipeline/headers.ts';
import type { ConfigReporter, EffectResult, GatewayResponse, IncomingRequest, PluginHooks, PluginHost, RequestContext, StoreOp, Verdict } from '../../pipeline/types.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { RateLimitConfig } from './algorithm-config.ts';
import { parseKongRateLimitingConfig, type KongRateLimitingConfig } from './config.ts';
import { parseRateLimitConfig, rateLimitPlugin } from './plugin.ts';

export interface Reported {
  severity: 'error' | 'warning';
  path: string;
  code: ErrorCode;
  message: string;
  hint?: string;
}

export function collectingReporter(): ConfigReporter & { items: Reported[] } {
  const items: Reported[] = [];
  const push = (severity: Reported['severity']) => (path: Array<string | number>, code: ErrorCode, message: string, hint?: string) => {
    items.push({ severity, path: path.join('.'), code, message, ...(hint !== undefined ? { hint } : {}) });
  };
  return { items, error: push('error'), warn: push('warning') };
}

/** Parses a raw config and fails loudly on any error, for tests that need a valid config. */
export function validConfig(raw: Record<string, unknown>): KongRateLimitingConfig {
  const r = collectingReporter();
  const c = parseKongRateLimitingConfig(raw, r);
  const errors = r.items.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return c;
}

export function fakeRequest(over: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    id: 'req-1',
    method: 'GET',
    scheme: 'http',
    host: 'api.example.com',
    port: 8000,
    path: '/api/orders',
    query: '',
    headers: new HeaderMap(),
    peerIp: '203.0.113.7',
    ...over,
  };
}

export function fakeContext(over: Partial<IncomingRequest> = {}, extra: Partial<RequestContext> = {}): RequestContext {
  const request = fakeRequest(over);
  return {
    request,
    clientIp: request.peerIp,
    upstream: { method: request.method, host: request.host, path: request.path, headers: request.headers.clone() },
    vars: {},
    ...extra,
  };
}

export function fakeHost(nowMs: number, replica = 'gw-0'): PluginHost {
  return { now: () => nowMs, draw: () => 0, replica };
}

/** An in-memory Redis stand-in with relative TTLs set on key creation, like INCR + EXPIRE. */
export class FakeStore {
  private readonly keys = new Map<string, { value: number; expiresAt: number }>();
  down = false;

  apply(ops: readonly StoreOp[], nowMs: number): EffectResult {
    if (this.down) return { ok: false, error: 'connection refused' };
    const values = ops.map((op) => {
      const e = this.keys.get(op.key);
      const live = e && e.expiresAt > nowMs ? e : undefined;
      if (op.op === 'get') return live ? live.value : null;
      const next = { value: (live?.value ?? 0) + op.by, expiresAt: live ? live.expiresAt : nowMs + op.ttlMs };
      this.keys.set(op.key, next);
      return next.value;
    });
    return { ok: true, values };
  }

  value(key: string): number | undefined {
    return this.keys.get(key)?.value;
  }
}

/** Answers every `wait` of a verdict chain from the store at `nowMs`, then applies its detached store writes; returns the final verdict and the effects seen. */
export function settle(v: Verdict, store: FakeStore, nowMs: number): { verdict: Verdict; effects: StoreOp[][] } {
  const effects: StoreOp[][] = [];
  let cur = v;
  while (cur.kind === 'wait') {
    if (cur.effect.type !== 'store') throw new Error('unexpected effect');
    effects.push(cur.effect.ops);
    cur = cur.resume(store.apply(cur.effect.ops, nowMs));
  }
  // Writes the plugin does not wait for (the cluster policy's count) reach the store as a host sends them.
  if (cur.kind === 'next') {
    for (const d of cur.detach ?? []) {
      if (d.type !== 'store') continue;
      effects.push(d.ops);
      store.apply(d.ops, nowMs);
    }
  }
  return { verdict: cur, effects };
}

/** Parses any rate-limit config (Kong's, or one naming an `algorithm`) and fails loudly on errors. */
export function validRateLimitConfig(raw: Record<string, unknown>): RateLimitConfig {
  const r = collectingReporter();
  const c = parseRateLimitConfig(raw, r);
  const errors = r.items.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return c;
}

/** What the pipeline would do with a verdict: `sleep` waits are slept (and summed), then resumed. */
export function drive(v: Verdict): { verdict: Verdict; sleptMs: number; waits: Verdict[] } {
  let cur = v;
  let sleptMs = 0;
  const waits: Verdict[] = [];
  while (cur.kind === 'wait') {
    if (cur.effect.type !== 'sleep') throw new Error(`unexpected ${cur.effect.type} effect`);
    waits.push(cur);
    sleptMs += cur.effect.ms;
    cur = cur.resume({ ok: true });
  }
  return { verdict: cur, sleptMs, waits };
}

/** One request through a plugin's access hook (sleeps driven) and, if admitted, its response hook. */
export function sendRequest(hooks: PluginHooks, nowMs: number, ctx: RequestContext = fakeContext(), replica = 'gw-0') {
  const host = fakeHost(nowMs, replica);
  const first = hooks.access?.(ctx, host) as Verdict;
  const { verdict, sleptMs } = drive(first);
  const response: GatewayResponse = { status: 200, headers: new HeaderMap(), source: 'upstream' };
  if (verdict.kind === 'next') {
    ctx.response = response;
    hooks.response?.(ctx, host);
  }
  const headers = verdict.kind === 'reply' ? new HeaderMap(verdict.headers ?? []) : response.headers;
  return { first, verdict, sleptMs, headers };
}

/** Hooks of the rate-limit plugin for a raw config (which must parse without errors). */
export function hooksForRaw(raw: Record<string, unknown>): PluginHooks {
  return rateLimitPlugin.create(validRateLimitConfig(raw), { instanceId: 'rl-1', scope: {} });
}
