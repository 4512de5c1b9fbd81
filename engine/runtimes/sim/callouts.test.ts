import { describe, expect, it } from 'vitest';
import type { BackendSpec } from '../../scenario/types.ts';
import { calloutAnswer, findCalloutBackend } from './callouts.ts';

const backend = (name: string, over: Partial<BackendSpec> = {}): BackendSpec => ({
  name,
  latency: { kind: 'constant', ms: 10 },
  errorRate: 0,
  errorStatus: 500,
  status: 200,
  headers: [['content-type', 'application/json']],
  body: '{"keys":[]}',
  ...over,
});

const effect = { type: 'http' as const, purpose: 'jwks', method: 'GET', url: 'http://idp.internal/.well-known/jwks.json', headers: [], timeoutMs: 1000 };

describe('http callouts in the simulation', () => {
  it('bind to the backend named host:port (port from the scheme), then host', () => {
    const list = [backend('idp.internal'), backend('idp.internal:80', { status: 203 })];
    expect(findCalloutBackend(list, 'http://idp.internal/x')?.status).toBe(203);
    expect(findCalloutBackend(list, 'http://idp.internal:8080/x')?.name).toBe('idp.internal');
    expect(findCalloutBackend(list, 'https://other/x')).toBeUndefined();
    expect(findCalloutBackend(list, 'not a url')).toBeUndefined();
  });

  it('answer with the backend\'s status, headers and body after the round trip; a timeout or an outage fails', () => {
    const b = backend('idp.internal');
    const m = { networkMs: 10, workMs: 30, down: false, failed: false, errorStatus: 503 };
    expect(calloutAnswer(effect, b, m)).toEqual({ afterMs: 40, result: { ok: true, status: 200, headers: [['content-type', 'application/json']], body: '{"keys":[]}' } });
    expect(calloutAnswer(effect, b, { ...m, workMs: 1490 })).toMatchObject({ afterMs: 1000, result: { ok: false } });
    // A down backend refuses after the network round trip only: it never works on the call.
    expect(calloutAnswer(effect, b, { ...m, down: true })).toMatchObject({ afterMs: 10, result: { ok: false, error: 'connection refused by idp.internal (outage)' } });
    // A drawn error answers the backend's error status (its errorRate, or a degrade's).
    expect(calloutAnswer(effect, b, { ...m, failed: true })).toMatchObject({ afterMs: 40, result: { ok: true, status: 503 } });
  });
});
