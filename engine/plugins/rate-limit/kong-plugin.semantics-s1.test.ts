/**
 * Semantics §1 (Kong `rate-limiting`) through the plugin's hooks: the identifier rules plugin.test.ts
 * does not reach (`limit_by: credential`, `ip` after real-ip, repeated and empty headers) and the
 * `cluster` policy (one shared counter store, read per request; only admitted requests are counted).
 */
import { describe, expect, it } from 'vitest';
import type { ConsumerIR } from '../../config/ir.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { PluginHooks, RequestContext, Verdict } from '../../pipeline/types.ts';
import { epochMsOfCivil } from './math/utc-calendar.ts';
import { rateLimitPlugin } from './plugin.ts';
import { fakeContext, fakeHost, FakeStore, settle, validConfig } from './test-kit.ts';

const NOON = epochMsOfCivil(2026, 1, 1) + 12 * 3_600_000;
const ZERO = '00000000-0000-0000-0000-000000000000';

function hooksFor(raw: Record<string, unknown>): PluginHooks {
  return rateLimitPlugin.create(validConfig(raw), { instanceId: 'rl-s1', scope: {} });
}

/** The identifier Kong's get_identifier picks for this request (local policy, so no store round trip). */
function identifierOf(raw: Record<string, unknown>, ctx: RequestContext): unknown {
  const v = hooksFor(raw).access?.(ctx, fakeHost(NOON)) as Verdict;
  return v.data?.['identifier'];
}

describe('semantics §1 Kong rate-limiting: identifiers', () => {
  const consumer: ConsumerIR = { id: 'consumer-1', groups: [], credentials: [] };

  it('§1 limit_by consumer: consumer.id first, even when a credential is there too', () => {
    expect(identifierOf({ second: 5 }, fakeContext({}, { consumer, credentialId: 'cred-1' }))).toBe('consumer-1');
  });

  it('§1 limit_by credential: credential.id, never the consumer id; without a credential, the client IP', () => {
    expect(identifierOf({ second: 5, limit_by: 'credential' }, fakeContext({}, { consumer, credentialId: 'cred-1' }))).toBe('cred-1');
    expect(identifierOf({ second: 5, limit_by: 'credential' }, fakeContext({}, { consumer }))).toBe('203.0.113.7');
  });

  it('§1 limit_by ip: the forwarded IP after real-ip processing (§6), not the TCP peer', () => {
    const behindProxy = fakeContext({ peerIp: '10.0.0.5' }, { clientIp: '198.51.100.9' });
    expect(identifierOf({ second: 5, limit_by: 'ip' }, behindProxy)).toBe('198.51.100.9');
    // Every fallback to "the IP" is that same address.
    expect(identifierOf({ second: 5 }, behindProxy)).toBe('198.51.100.9');
  });

  it('§1 limit_by header: the header’s (first) value; a header sent empty is still a value, only an absent one falls back to the IP', () => {
    const raw = { second: 5, limit_by: 'header', header_name: 'X-Tenant' };
    expect(identifierOf(raw, fakeContext({ headers: new HeaderMap([['X-Tenant', 'acme'], ['X-Tenant', 'globex']]) }))).toBe('acme');
    expect(identifierOf(raw, fakeContext({ headers: new HeaderMap([['x-tenant', '']]) }))).toBe('');
    expect(identifierOf(raw, fakeContext())).toBe('203.0.113.7');
  });

  it('§1 clients that fall back to the IP share one counter with requests limited by that IP', () => {
    const hooks = hooksFor({ minute: 2, limit_by: 'credential' });
    const anon = () => fakeContext();
    const kinds = [anon(), anon(), anon(), fakeContext({}, { credentialId: 'cred-1' })].map((ctx) => (hooks.access?.(ctx, fakeHost(NOON)) as Verdict).kind);
    expect(kinds).toEqual(['next', 'next', 'reply', 'next']);
  });
});

describe('semantics §1 Kong rate-limiting: the cluster policy', () => {
  it('§1 cluster is global: every replica counts in one shared store, and a rejected request is not counted', () => {
    const hooks = rateLimitPlugin.create(validConfig({ minute: 3, limit_by: 'ip', policy: 'cluster' }), { instanceId: 'rl-c', scope: {} });
    const store = new FakeStore();
    const runs = ['gw-0', 'gw-1', 'gw-2', 'gw-0', 'gw-1'].map((replica) => settle(hooks.access?.(fakeContext(), fakeHost(NOON, replica)) as Verdict, store, NOON));
    expect(runs.map((r) => r.verdict.kind)).toEqual(['next', 'next', 'next', 'reply', 'reply']);
    // One counter under Kong's key for all three replicas, and it stops at the limit: "counter NOT
    // incremented (local/cluster)" on a rejection, where redis would have counted 5.
    expect(store.value(`ratelimit:${ZERO}:${ZERO}:203.0.113.7:${NOON}:minute`)).toBe(3);
    // A read the request waits for, then a write it does not wait for (Kong's timer): never for a rejection.
    expect(runs[0]?.effects.map((ops) => ops.map((o) => o.op).join())).toEqual(['get', 'incr']);
    expect(runs[3]?.effects.map((ops) => ops.map((o) => o.op).join())).toEqual(['get']);
    const admitted = runs[0]?.verdict;
    expect(admitted?.kind === 'next' ? admitted.detach?.length : 0).toBe(1);
  });

  it('§1 cluster counts asynchronously: requests that read before an earlier one is counted can pass the limit together', () => {
    const hooks = rateLimitPlugin.create(validConfig({ minute: 1, limit_by: 'ip', policy: 'cluster' }), { instanceId: 'rl-c2', scope: {} });
    const store = new FakeStore();
    // Both read the store before either count lands (as two requests on two nodes at the same moment).
    const first = hooks.access?.(fakeContext(), fakeHost(NOON, 'gw-0')) as Verdict;
    const second = hooks.access?.(fakeContext(), fakeHost(NOON, 'gw-1')) as Verdict;
    if (first.kind !== 'wait' || second.kind !== 'wait' || first.effect.type !== 'store' || second.effect.type !== 'store') throw new Error('cluster waits for its read');
    const a = first.resume(store.apply(first.effect.ops, NOON));
    const b = second.resume(store.apply(second.effect.ops, NOON));
    expect([a.kind, b.kind]).toEqual(['next', 'next']);
  });

  it('§1 local is per node: the same four requests over three replicas are all admitted (N × limit cluster-wide)', () => {
    const hooks = hooksFor({ minute: 1, limit_by: 'ip' });
    const kinds = ['gw-0', 'gw-1', 'gw-2', 'gw-0'].map((replica) => (hooks.access?.(fakeContext(), fakeHost(NOON, replica)) as Verdict).kind);
    expect(kinds).toEqual(['next', 'next', 'next', 'reply']);
  });
});
