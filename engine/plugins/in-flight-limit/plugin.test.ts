/**
 * Traefik inFlightReq as the in-flight-limit plugin. Sources: traefik/traefik
 * pkg/middlewares/inflightreq/inflight_req.go (New: the requestHost default) and vulcand/oxy
 * connlimit/connlimit.go (ServeHTTP: acquire before, release deferred after the next handler;
 * acquire: count ≥ max refuses; ConnErrHandler: 429 and the error text as the body).
 */
import { describe, expect, it } from 'vitest';
import { collecting, context, host, hooksOf, replyOf } from '../kit/test-kit.ts';
import { inFlightLimitPlugin } from './plugin.ts';

const h = host();

function admit(hooks: ReturnType<typeof hooksOf>, spec: Parameters<typeof context>[0] = {}) {
  const ctx = context(spec);
  const verdict = hooks.access?.(ctx, h);
  return { ctx, verdict };
}

describe('in-flight-limit (Traefik inFlightReq, oxy connlimit)', () => {
  it('connlimit acquire: the request that finds amount in flight gets 429 "max connections reached: <amount>"', () => {
    const hooks = hooksOf(inFlightLimitPlugin, { amount: 2 });
    expect(admit(hooks).verdict?.kind).toBe('next');
    expect(admit(hooks).verdict?.kind).toBe('next');
    const third = replyOf(admit(hooks).verdict!);
    expect(third.status).toBe(429);
    expect(third.body).toBe('max connections reached: 2');
    expect(third.headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect(third.reason).toBe('2 requests from host api.example.com in flight ≥ amount 2 → 429');
    expect(third.data).toMatchObject({ inFlight: 2, amount: 2 });
  });

  it('connlimit ServeHTTP: the slot is released when the request is done (log), not before', () => {
    const hooks = hooksOf(inFlightLimitPlugin, { amount: 1 });
    const first = admit(hooks);
    expect(admit(hooks).verdict?.kind).toBe('reply');
    hooks.response?.(first.ctx, h);
    expect(admit(hooks).verdict?.kind).toBe('reply');
    hooks.log?.(first.ctx, h);
    expect(admit(hooks).verdict?.kind).toBe('next');
  });

  it('a refused request holds no slot: its log frees nothing (connlimit returns before acquire adds one)', () => {
    const hooks = hooksOf(inFlightLimitPlugin, { amount: 1 });
    admit(hooks);
    const refused = admit(hooks);
    expect(refused.verdict?.kind).toBe('reply');
    hooks.log?.(refused.ctx, h);
    expect(admit(hooks).verdict?.kind).toBe('reply');
    expect(hooks.snapshot?.(h)).toEqual({ amount: 1, inFlight: { api_example_com: 1 } });
  });

  it('inflight_req.go New: no sourceCriterion, or one that sets nothing, counts by requestHost', () => {
    for (const raw of [{ amount: 1 }, { amount: 1, sourceCriterion: {} }]) {
      const hooks = hooksOf(inFlightLimitPlugin, raw);
      expect(admit(hooks, { peerIp: '10.0.0.1' }).verdict?.kind).toBe('next');
      // Another client, same Host: the same count.
      expect(admit(hooks, { peerIp: '10.0.0.2' }).verdict?.kind).toBe('reply');
      // Another Host: its own count.
      expect(admit(hooks, { peerIp: '10.0.0.2', host: 'other.example.com' }).verdict?.kind).toBe('next');
    }
  });

  it('sourceCriterion ipStrategy counts per client address; the reason names the count and the cap', () => {
    const hooks = hooksOf(inFlightLimitPlugin, { amount: 3, sourceCriterion: { ipStrategy: {} } });
    for (let i = 0; i < 3; i++) expect(admit(hooks, { peerIp: '10.0.0.7' }).verdict?.kind).toBe('next');
    const refused = replyOf(admit(hooks, { peerIp: '10.0.0.7' }).verdict!);
    expect(refused.reason).toMatch(/^3 requests from source 10\.0\.0\.7 \(.*\) in flight ≥ amount 3 → 429$/);
    expect(admit(hooks, { peerIp: '10.0.0.8' }).verdict?.kind).toBe('next');
  });

  it('sourceCriterion requestHeaderName counts per header value', () => {
    const hooks = hooksOf(inFlightLimitPlugin, { amount: 1, sourceCriterion: { requestHeaderName: 'X-Tenant' } });
    expect(admit(hooks, { headers: [['X-Tenant', 'a']] }).verdict?.kind).toBe('next');
    expect(admit(hooks, { headers: [['X-Tenant', 'a']] }).verdict?.kind).toBe('reply');
    expect(admit(hooks, { headers: [['X-Tenant', 'b']] }).verdict?.kind).toBe('next');
  });

  it('a second pass through access (a retry before it) gives back the earlier attempt\'s slot first', () => {
    const hooks = hooksOf(inFlightLimitPlugin, { amount: 1 });
    const { ctx } = admit(hooks);
    expect(hooks.access?.(ctx, h).kind).toBe('next');
    hooks.log?.(ctx, h);
    expect(hooks.snapshot?.(h)).toEqual({ amount: 1, inFlight: {} });
  });

  it('each instance (one per router) keeps its own counts', () => {
    const a = hooksOf(inFlightLimitPlugin, { amount: 1 });
    const b = hooksOf(inFlightLimitPlugin, { amount: 1 });
    admit(a);
    expect(admit(b).verdict?.kind).toBe('next');
  });

  it('amount 0 (Go\'s zero value) or unset: every request is refused, with a warning at amount', () => {
    const r = collecting();
    const config = inFlightLimitPlugin.parse({}, r);
    expect(r.items).toEqual([expect.objectContaining({ severity: 'warning', path: 'amount', code: 'GL_W_NO_EFFECT' })]);
    const hooks = inFlightLimitPlugin.create(config, { instanceId: 'x', scope: {} });
    expect(hooks.access?.(context(), h)).toMatchObject({ kind: 'reply', status: 429, body: 'max connections reached: 0' });
  });

  it('config errors: a non-integer amount, an unknown field, two criteria at once', () => {
    const r = collecting();
    inFlightLimitPlugin.parse({ amount: 1.5, amout: 2, sourceCriterion: { requestHost: true, requestHeaderName: 'X-A' } }, r);
    expect(r.items.map((i) => `${i.severity} ${i.path} ${i.code}`)).toEqual(
      expect.arrayContaining(['error amount GL_E_CONFIG_INVALID', 'error amout GL_E_UNKNOWN_FIELD', 'error sourceCriterion GL_E_CONFIG_INVALID']),
    );
  });
});
