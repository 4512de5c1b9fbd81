/**
 * Semantics §11 (W3C trace context), the rules the coverage audit found unpinned: the header goes out
 * under its lowercase name whatever case it came in, a v00 value is exactly 55 characters with
 * lowercase hex, and any invalid field restarts the trace (fast-check over single-character damage).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { startRequestTrace, stampHeaders } from './context.ts';
import { formatTraceParent, parseTraceParent } from './traceparent.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] s11 traceparent seed=${seed} (replay: FC_SEED=${seed})`);

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const draw = (purpose: string, key: string, index = 0): number => ((purpose.length * 31 + key.length * 7 + index) % 97) / 97;

describe('semantics §11 traceparent on the wire', () => {
  it('§11 sent lowercase: an incoming "TraceParent" is replaced by one "traceparent" header', () => {
    const headers = new HeaderMap([['TraceParent', `00-${TRACE}-${PARENT}-01`], ['TraceState', 'a=1']]);
    const trace = startRequestTrace(headers, 'req-1', draw, { samplingRate: 0 });
    stampHeaders(headers, trace, 'b7ad6b7169203331');
    const names = headers.list().map(([n]) => n).filter((n) => n.toLowerCase() === 'traceparent');
    expect(names).toEqual(['traceparent']);
    expect(headers.get('traceparent')).toBe(`00-${TRACE}-b7ad6b7169203331-01`);
  });

  it('§11 version 00 is 00-<32 hex>-<16 hex>-<2 hex>, 55 characters, lowercase', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/), fc.boolean(), (traceId, spanId, sampled) => {
        const v = formatTraceParent(traceId, spanId, sampled);
        expect(v).toHaveLength(55);
        expect(v).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('§11 any non-hex or upper-case character in a field makes the header invalid, so the trace restarts and tracestate is dropped', () => {
    const valid = `00-${TRACE}-${PARENT}-01`;
    // Positions of hex digits inside the trace id, parent id and flags (not the dashes, not the version).
    const hexPositions = [...valid].map((c, i) => (i >= 3 && c !== '-' ? i : -1)).filter((i) => i >= 0);
    fc.assert(
      fc.property(fc.constantFrom(...hexPositions), fc.constantFrom('G', 'z', 'A', 'F', ' ', '_'), (at, bad) => {
        const broken = valid.slice(0, at) + bad + valid.slice(at + 1);
        expect(parseTraceParent(broken).ok).toBe(false);
        const trace = startRequestTrace(new HeaderMap([['traceparent', broken], ['tracestate', 'k=v']]), 'req-1', draw, { samplingRate: 0 });
        expect(trace.origin).toBe('restarted');
        expect(trace.traceId).not.toBe(TRACE);
        expect(trace.tracestate).toBeUndefined();
      }),
      { seed, numRuns: 100 },
    );
  });

  it('§11 a valid header continues the trace and keeps tracestate as received (gatelab adds no entry of its own)', () => {
    const trace = startRequestTrace(new HeaderMap([['traceparent', `00-${TRACE}-${PARENT}-00`], ['tracestate', 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7']]), 'req-1', draw, { samplingRate: 1 });
    expect(trace).toMatchObject({ origin: 'continued', traceId: TRACE, parentId: PARENT, sampled: false, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' });
  });
});
