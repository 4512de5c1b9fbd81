/**
 * Several `limit_req` lines in one location (semantics §2, "Several limit_req in one context"):
 * ngx_http_limit_req_handler looks every zone up first; a refusal leaves every zone as it was, and a
 * pass counts in every zone and waits the largest delay. The rate-limit plugin's `also` field holds the
 * further lines, so one instance decides them together as nginx does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../../pipeline/headers.ts';
import { collectingReporter, fakeContext, fakeHost, hooksForRaw as hooksFor, sendRequest as send } from '../test-kit.ts';
import { parseAlgorithmConfig } from '../algorithm-parse.ts';
import { limitReqOne, parseNginxRate, type LimitReqLimit, type LimitReqNode } from '../math/nginx-limit-req.ts';

const T0 = 1_767_268_800_000;
const IP = '203_0_113_7';

const status = (r: ReturnType<typeof send>): number => (r.verdict.kind === 'reply' ? (r.verdict.status ?? 0) : 200);

describe('rate-limit nginx-limit-req with several zones (`also`), semantics §2', () => {
  // Zone a: 1r/s burst=2; zone b: 10r/s, no burst (one request per 100 ms).
  const raw = { algorithm: 'nginx-limit-req', zone: 'a', rate: '1r/s', burst: 2, also: [{ zone: 'b', rate: '10r/s' }] };

  it('§2 a request zone b refuses is not counted in zone a either, so a request 100 ms later passes', () => {
    const hooks = hooksFor(raw);
    const out = [T0, T0, T0].map((t) => send(hooks, t));
    // After the two refusals zone a still holds only the first request's count (excess 0).
    expect(hooks.snapshot?.(fakeHost(T0))).toEqual({ a: { [IP]: { excess: 0, burst: 2 } }, b: { [IP]: { excess: 0, burst: 0 } } });
    out.push(send(hooks, T0 + 100));
    expect(out.map(status)).toEqual([200, 503, 503, 200]);
    const refused = out[1]?.verdict;
    expect(refused?.reason).toContain('zone "b" excess would be 1, over burst 0 → 503; "a" had room but counts nothing either; no zone changes');
    expect(refused?.data).toMatchObject({ outcome: 'REJECTED', zone: 'b', excess: 1, burst: 0, excess_a: 1, excess_b: 1 });
    expect(hooks.snapshot?.(fakeHost(T0 + 100))).toEqual({ a: { [IP]: { excess: 0.9, burst: 2 } }, b: { [IP]: { excess: 0, burst: 0 } } });
  });

  it('§2 two instances in a row (what gatelab did before) would have counted the refused requests in zone a and refused the fourth', () => {
    const a = hooksFor({ algorithm: 'nginx-limit-req', zone: 'a', rate: '1r/s', burst: 2 });
    const b = hooksFor({ algorithm: 'nginx-limit-req', zone: 'b', rate: '10r/s' });
    const chained = [T0, T0, T0, T0 + 100].map((t) => {
      const ctx = fakeContext();
      const first = send(a, t, ctx);
      return status(first) !== 200 ? status(first) : status(send(b, t, ctx));
    });
    expect(chained).toEqual([200, 503, 503, 503]);
  });

  it('§2 when every zone delays, the request waits the largest delay (200 ms), not the sum', () => {
    const hooks = hooksFor({ algorithm: 'nginx-limit-req', zone: 'fast', rate: '10r/s', burst: 5, also: [{ zone: 'slow', rate: '5r/s', burst: 5 }] });
    const out = [send(hooks, T0), send(hooks, T0)];
    expect(out.map((r) => r.sleptMs)).toEqual([0, 200]);
    const held = out[1]?.first;
    expect(held?.kind === 'wait' && held.effect).toEqual({ type: 'sleep', purpose: 'limit_req delay (zone slow)', ms: 200 });
    expect(out[1]?.verdict.data).toMatchObject({ outcome: 'DELAYED', zone: 'slow', delayMs: 200, excess_fast: 1, excess_slow: 1 });
    expect(out[1]?.verdict.reason).toContain('held 200 ms, the largest zone delay (zone "slow")');
  });

  it('§2 an empty key is limited by no zone', () => {
    const hooks = hooksFor({ ...raw, key: 'header:x-api-key' });
    const all = Array.from({ length: 4 }, () => send(hooks, T0, fakeContext({ headers: new HeaderMap() })));
    expect(all.map(status)).toEqual([200, 200, 200, 200]);
    expect(all[0]?.verdict.reason).toContain('nginx does not limit such a request in any zone');
  });

  it('§2 property: the verdicts are those of "check every zone, then count in all or none, wait the largest delay" (seed printed)', () => {
    const zoneArb = fc.record({
      rate: fc.constantFrom('1r/s', '2r/s', '5r/s', '10r/s', '30r/m', '90r/m'),
      burst: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      nodelay: fc.boolean(),
    });
    const seed = Date.now() % 1_000_000;
    console.log(`nginx-limit-req zones property seed ${seed}`);
    fc.assert(
      fc.property(fc.array(zoneArb, { minLength: 2, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 25 }), (zones, gaps) => {
        const [head, ...rest] = zones.map((z, i) => ({ zone: `z${i}`, rate: z.rate, ...(z.burst ? { burst: z.burst } : {}), ...(z.nodelay ? { nodelay: true } : {}) }));
        const hooks = hooksFor({ algorithm: 'nginx-limit-req', ...head, also: rest });
        const limits: LimitReqLimit[] = zones.map((z, i) => ({ zone: `z${i}`, rateMilli: (parseNginxRate(z.rate) as { value: number }).value, burst: z.burst ?? 0, delay: z.nodelay ? 'nodelay' : 0 }));
        let nodes: Array<LimitReqNode | undefined> = limits.map(() => undefined);
        let t = T0;
        for (const gap of gaps) {
          t += gap;
          const got = send(hooks, t);
          // The reference: each zone decided alone on its own state, then the all-or-nothing rule.
          const each = limits.map((l, i) => limitReqOne(l, 'k', nodes[i], t));
          const refused = each.some((e) => e.decision.outcome === 'REJECTED');
          if (!refused) nodes = each.map((e) => e.node);
          expect(status(got)).toBe(refused ? 503 : 200);
          expect(got.sleptMs).toBe(refused ? 0 : Math.max(...each.map((e) => e.decision.delayMs)));
        }
      }),
      { seed, numRuns: 200 },
    );
  });
});

describe('parsing `also` (nginx refuses a location that names a zone twice)', () => {
  const problems = (raw: Record<string, unknown>) => {
    const r = collectingReporter();
    parseAlgorithmConfig(raw, r);
    return r.items.map((i) => `${i.path} ${i.code} ${i.message}`);
  };

  it('each further line needs its own zone, named once; key and status belong to the whole plugin', () => {
    expect(problems({ algorithm: 'nginx-limit-req', zone: 'a', rate: '1r/s', also: [{ zone: 'a', rate: '1r/m' }] })).toEqual([
      'also.0.zone GL_E_CONFIG_INVALID zone "a" is already limited here: nginx refuses a location that names a zone twice',
    ]);
    expect(problems({ algorithm: 'nginx-limit-req', rate: '1r/s', also: [{ rate: '1r/m' }] })[0]).toMatch(/^also\.0\.zone GL_E_CONFIG_INVALID zone is required/);
    expect(problems({ algorithm: 'nginx-limit-req', rate: '1r/s', also: [{ zone: 'b', rate: '1r/m', key: 'ip' }] })[0]).toMatch(/^also\.0\.key GL_E_UNKNOWN_FIELD/);
    expect(problems({ algorithm: 'nginx-limit-req', rate: '1r/s', also: [{ zone: 'b', rate: '0.5r/s' }] })[0]).toMatch(/^also\.0\.rate GL_E_CONFIG_INVALID invalid rate/);
    expect(problems({ algorithm: 'nginx-limit-req', rate: '1r/s', also: { zone: 'b' } })[0]).toMatch(/^also GL_E_TYPE/);
  });

  it('a config without `also` parses exactly as before (no `also` key), so one-zone traces are unchanged', () => {
    const c = parseAlgorithmConfig({ algorithm: 'nginx-limit-req', zone: 'a', rate: '1r/s' }, collectingReporter());
    expect(c && 'also' in c).toBe(false);
  });
});
