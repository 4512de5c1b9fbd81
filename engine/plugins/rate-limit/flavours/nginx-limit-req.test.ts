import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../../pipeline/headers.ts';
import { collectingReporter, fakeContext, fakeHost, hooksForRaw as hooksFor, sendRequest as send } from '../test-kit.ts';
import { rateLimitPlugin } from '../plugin.ts';
import { nginxErrorPage } from './nginx-limit-req.ts';

const T0 = 1_767_268_800_000;

const burstOf = (n: number, raw: Record<string, unknown>, at = T0) => {
  const hooks = hooksFor(raw);
  return { hooks, results: Array.from({ length: n }, () => send(hooks, at)) };
};

describe('rate-limit plugin, nginx limit_req flavour', () => {
  it('§2 rate=10r/s burst=5, 8 at once: 1 passes, 5 are really held 100…500 ms (sleep effects), 2 get 503 and change nothing', () => {
    const { hooks, results } = burstOf(8, { algorithm: 'nginx-limit-req', zone: 'perip', rate: '10r/s', burst: 5 });
    expect(results.map((r) => r.verdict.kind)).toEqual(['next', 'next', 'next', 'next', 'next', 'next', 'reply', 'reply']);
    expect(results.map((r) => r.sleptMs)).toEqual([0, 100, 200, 300, 400, 500, 0, 0]);
    const held = results[1]?.first;
    expect(held?.kind === 'wait' && held.effect).toEqual({ type: 'sleep', purpose: 'limit_req delay (zone perip)', ms: 100 });
    expect(results[5]?.verdict.reason).toBe('nginx limit_req zone "perip" (rate=10r/s burst=5), ip 203.0.113.7: excess 5 of burst 5 — held 500 ms so requests leave at 10r/s; the wait is over, forwarded now');
    const rejected = results[6]?.verdict;
    expect(rejected).toMatchObject({ kind: 'reply', status: 503, body: nginxErrorPage(503) });
    expect(rejected?.reason).toContain('excess would be 6, over burst 5 → 503; nothing is counted');
    expect(rejected?.data).toMatchObject({ algorithm: 'nginx-limit-req', outcome: 'REJECTED', excess: 6, burst: 5, rate: 10, remaining: 0 });
    // The two rejections left the bucket at 5: the snapshot shows it.
    expect(hooks.snapshot?.(fakeHost(T0))).toEqual({ '203_0_113_7': { excess: 5, burst: 5 } });
    expect(hooks.snapshot?.(fakeHost(T0 + 250))).toEqual({ '203_0_113_7': { excess: 2.5, burst: 5 } });
  });

  it('§2 nodelay: burst + 1 pass at once; delay=3: the first 3 excess go at once, then (e − 3000)·1000/R', () => {
    expect(burstOf(8, { algorithm: 'nginx-limit-req', rate: '10r/s', burst: 5, nodelay: true }).results.map((r) => `${r.verdict.kind}:${r.sleptMs}`)).toEqual([
      'next:0', 'next:0', 'next:0', 'next:0', 'next:0', 'next:0', 'reply:0', 'reply:0',
    ]);
    expect(burstOf(8, { algorithm: 'nginx-limit-req', rate: '10r/s', burst: 5, delay: 3 }).results.map((r) => r.sleptMs)).toEqual([0, 0, 0, 0, 100, 200, 0, 0]);
  });

  it('§2 no burst: a second request 50 ms later is refused (excess 0.5 > 0); rejections cost nothing, so 150 ms after the first it passes', () => {
    const hooks = hooksFor({ algorithm: 'nginx-limit-req', rate: '10r/s' });
    expect([T0, T0 + 50, T0 + 150].map((t) => send(hooks, t).verdict.kind)).toEqual(['next', 'reply', 'next']);
  });

  it('§2 1r/m is 16 milli-requests per second: 60 s later is too early, 62.5 s later passes; limit_req_status 429 is honoured', () => {
    const hooks = hooksFor({ algorithm: 'nginx-limit-req', rate: '1r/m', status: 429 });
    const r = [T0, T0 + 60_000, T0 + 62_500].map((t) => send(hooks, t).verdict);
    expect(r.map((v) => (v.kind === 'reply' ? v.status : 200))).toEqual([200, 429, 200]);
    expect(r[1]).toMatchObject({ body: nginxErrorPage(429) });
  });

  it('§2 key: an empty key (absent header) is not limited at all, as in nginx', () => {
    const hooks = hooksFor({ algorithm: 'nginx-limit-req', rate: '1r/s', key: 'header:x-api-key' });
    const anon = Array.from({ length: 5 }, () => send(hooks, T0).verdict);
    expect(anon.every((v) => v.kind === 'next')).toBe(true);
    expect(anon[0]?.reason).toContain('nginx does not limit a request with an empty key');
    const keyed = fakeContext({ headers: new HeaderMap({ 'X-Api-Key': 'k1' }) });
    expect([send(hooks, T0, keyed).verdict.kind, send(hooks, T0, fakeContext({ headers: new HeaderMap({ 'X-Api-Key': 'k1' }) })).verdict.kind]).toEqual(['next', 'reply']);
  });

  it('§2 key: a key longer than 65535 bytes is not limited either, and the reason says why (not "empty")', () => {
    const hooks = hooksFor({ algorithm: 'nginx-limit-req', rate: '1r/s', key: 'header:x-api-key' });
    const long = () => fakeContext({ headers: new HeaderMap({ 'X-Api-Key': 'k'.repeat(65_536) }) });
    const results = [send(hooks, T0, long()).verdict, send(hooks, T0, long()).verdict];
    expect(results.map((v) => v.kind)).toEqual(['next', 'next']);
    expect(results[0]?.reason).toContain('the key is longer than 65535 bytes');
    expect(results[0]?.reason).not.toContain('empty');
  });

  it('§2 config: nginx refuses 0.5r/s, burst=0 and nodelay together with delay; the status must be 400–599', () => {
    const problems = (raw: Record<string, unknown>) => {
      const r = collectingReporter();
      rateLimitPlugin.parse({ algorithm: 'nginx-limit-req', ...raw }, r);
      return r.items.map((i) => `${i.path}: ${i.message}`);
    };
    expect(problems({ rate: '0.5r/s' })).toEqual(['rate: invalid rate "rate=0.5r/s" (nginx takes a whole number of r/s or r/m)']);
    expect(problems({ rate: '10r/s', burst: 0 })).toEqual(['burst: burst must be greater than 0']);
    expect(problems({ rate: '10r/s', burst: 5, nodelay: true, delay: 2 })).toHaveLength(1);
    expect(problems({ rate: '10r/s', status: 302 })).toEqual(['status: status must be at least 400']);
    expect(problems({})).toEqual(['rate: rate is required']);
  });
});
