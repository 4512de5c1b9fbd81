/**
 * Semantics §3 "Scope" and §5 "Layers": Envoy's local rate limit keeps one bucket per filter config,
 * shared by every client, and AWS throttles per account, stage or method — never per caller. With no
 * `key`, gatelab's envoy, envoy-timer and aws token buckets are therefore one global bucket; Traefik
 * (§4, per source) and the other algorithms stay per client.
 */
import { describe, expect, it } from 'vitest';
import { fakeContext, hooksForRaw, sendRequest } from '../../engine/plugins/rate-limit/test-kit.ts';

const T0 = 1_767_268_800_000;

/** Two clients at the same instant against a bucket that holds one request: what each gets. */
function twoClients(raw: Record<string, unknown>): string[] {
  const hooks = hooksForRaw(raw);
  return ['198.51.100.1', '198.51.100.2'].map((ip) => sendRequest(hooks, T0, fakeContext({ peerIp: ip })).verdict.kind);
}

describe('semantics §3/§5: which token buckets are shared by every client when no key is set', () => {
  it('§3 Envoy local_ratelimit: one bucket per filter config — the second client finds it empty', () => {
    expect(twoClients({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s' })).toEqual(['next', 'reply']);
    expect(twoClients({ algorithm: 'token-bucket', flavour: 'envoy-timer', max_tokens: 1, fill_interval: '1s' })).toEqual(['next', 'reply']);
  });

  it('§3 per-client Envoy buckets are an explicit choice (a remote_address descriptor): key: ip', () => {
    expect(twoClients({ algorithm: 'token-bucket', flavour: 'envoy', max_tokens: 1, fill_interval: '1s', key: 'ip' })).toEqual(['next', 'next']);
  });

  it('§5 AWS throttling is per account / stage / method, not per caller: one bucket', () => {
    expect(twoClients({ algorithm: 'token-bucket', flavour: 'aws', rate: 1, burst: 1 })).toEqual(['next', 'reply']);
  });

  it('§4 Traefik keys by the source by default: each client has its own bucket', () => {
    expect(twoClients({ algorithm: 'token-bucket', flavour: 'traefik', average: 1, burst: 1 })).toEqual(['next', 'next']);
  });
});
