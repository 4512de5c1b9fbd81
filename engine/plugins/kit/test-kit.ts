/**
 * Test helpers for the auth and transform plugins: a request context, a host with a settable clock,
 * a collecting config reporter, and `drive`, which answers a verdict's effects the way a host would
 * (async effects awaited, http callouts answered by a given function) until the verdict settles.
 */
import type { ConsumerIR } from '../../config/ir.ts';
import type { ErrorCode } from '../../core/errors.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import { initialContext } from '../../pipeline/request-context.ts';
import { readHeldBody } from '../../pipeline/read-body.ts';
import type {
  ConfigReporter,
  Effect,
  EffectResult,
  GatewayResponse,
  IncomingRequest,
  PluginDefinition,
  PluginHooks,
  PluginHost,
  RequestContext,
  Verdict,
} from '../../pipeline/types.ts';

export interface Reported {
  severity: 'error' | 'warning';
  path: string;
  code: ErrorCode;
  message: string;
}

export function collecting(): ConfigReporter & { items: Reported[] } {
  const items: Reported[] = [];
  const push = (severity: Reported['severity']) => (path: Array<string | number>, code: ErrorCode, message: string) => {
    items.push({ severity, path: path.join('.'), code, message });
  };
  return { items, error: push('error'), warn: push('warning') };
}

/** Parses a config and throws on any error: for tests that need a valid one. */
export function parsed<C>(def: PluginDefinition<C>, raw: unknown): C {
  const r = collecting();
  const c = def.parse(raw, r);
  const errors = r.items.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => `${e.path}: ${e.message}`).join('; '));
  return c;
}

export function hooksOf<C>(def: PluginDefinition<C>, raw: unknown, consumers: ConsumerIR[] = [], scope = {}): PluginHooks {
  return def.create(parsed(def, raw), { instanceId: `${def.id}-1`, scope, consumers });
}

export interface RequestSpec {
  id?: string;
  method?: string;
  path?: string;
  query?: string;
  headers?: Array<[string, string]>;
  body?: string;
  peerIp?: string;
  host?: string;
}

export function context(spec: RequestSpec = {}): RequestContext {
  const headers = new HeaderMap([['Host', spec.host ?? 'api.example.com'], ...(spec.headers ?? [])]);
  const request: IncomingRequest = {
    id: spec.id ?? 'req-1',
    method: spec.method ?? 'GET',
    scheme: 'http',
    host: spec.host ?? 'api.example.com',
    port: 8000,
    path: spec.path ?? '/orders',
    query: spec.query ?? '',
    headers,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    peerIp: spec.peerIp ?? '203.0.113.7',
  };
  return initialContext(request);
}

/** 2026-01-01T12:00:00Z. */
export const NOON = 1_767_268_800_000;

/** A host at `nowMs`; draws come from a fixed function of (purpose, id, index) so tests are stable. */
export function host(nowMs = NOON, replica = 'gw-0'): PluginHost & { nowMs: number } {
  const h = {
    nowMs,
    replica,
    now: () => h.nowMs,
    draw: (purpose: string, id: string, index = 0) => {
      let x = 2166136261;
      for (const ch of `${purpose}|${id}|${index}`) x = Math.imul(x ^ ch.charCodeAt(0), 16777619);
      return (x >>> 0) / 4294967296;
    },
  };
  return h;
}

export type HttpAnswerer = (effect: Extract<Effect, { type: 'http' }>) => EffectResult;

/** Answers every wait of a verdict chain; returns the settled verdict and the effects it asked for. */
export async function drive(v: Verdict, http?: HttpAnswerer): Promise<{ verdict: Verdict; effects: Effect[] }> {
  const effects: Effect[] = [];
  let cur = v;
  while (cur.kind === 'wait') {
    const e = cur.effect;
    effects.push(e);
    let result: EffectResult;
    if (e.type === 'async') {
      result = await e.run().then(
        (value): EffectResult => ({ ok: true, value }),
        (err: unknown): EffectResult => ({ ok: false, error: String(err) }),
      );
    } else if (e.type === 'http') {
      result = http ? http(e) : { ok: true, status: 200, headers: [], body: '' };
    } else if (e.type === 'read-body') {
      result = readHeldBody(e);
    } else {
      result = { ok: true };
    }
    cur = cur.resume(result);
  }
  return { verdict: cur, effects };
}

/** Runs access (driving effects) and, when admitted, the response hook on a given upstream answer. */
export async function run(
  hooks: PluginHooks,
  ctx: RequestContext,
  h: PluginHost = host(),
  upstream: Partial<GatewayResponse> = {},
  http?: HttpAnswerer,
): Promise<{ verdict: Verdict; response?: GatewayResponse; effects: Effect[] }> {
  const first = hooks.access ? hooks.access(ctx, h) : ({ kind: 'next', reason: '' } as Verdict);
  const { verdict, effects } = await drive(first, http);
  if (verdict.kind !== 'next') return { verdict, effects };
  const response: GatewayResponse = { status: 200, headers: new HeaderMap(), source: 'upstream', ...upstream };
  ctx.response = response;
  if (hooks.response) await drive(hooks.response(ctx, h), http);
  return { verdict, response, effects };
}

export function replyOf(v: Verdict): Extract<Verdict, { kind: 'reply' }> {
  if (v.kind !== 'reply') throw new Error(`expected a reply, got ${v.kind}: ${v.reason}`);
  return v;
}

export function jsonBody(v: Verdict): unknown {
  return JSON.parse(replyOf(v).body ?? 'null');
}

export function consumer(username: string, credentials: ConsumerIR['credentials'] = [], groups: string[] = []): ConsumerIR {
  return { id: `id-${username}`, username, groups, credentials };
}
