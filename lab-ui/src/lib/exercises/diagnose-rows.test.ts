import { describe, expect, it } from 'vitest';
import { compareRows, percentChange } from './diagnose-rows.ts';
import type { RunReading, RunSummary } from './exercise-protocol.ts';

const base: RunReading = {
  variant: 'base', title: 'base', requests: 2687, replicas: 1, requestTimeP99: 1182.2, upstreamP99: 78.8, gatewayP50: 300, gatewayP99: 1144.8,
  networkP99: 2, cpuPercent: 92.2, cpuPerRequestUs: 635, statuses: { '200': 2687 }, peakMemoryBytes: 140_400_000,
};
const wrongFix: RunSummary = { ...base, variant: 'wrong-fix', requestTimeP99: 1166, upstreamP99: 40.9, gatewayP99: 1144.9 };
const scaled: RunSummary = { ...base, variant: 'immediate-fix', replicas: 3, requestTimeP99: 95.3, cpuPercent: 31 };

describe("a diagnose fix's comparison with the base run", () => {
  // As the dashboard above the questions writes them: no thousands separator.
  it('prints both runs at one precision: 1166.0 ms beside 1182.2 ms, not 1166 ms', () => {
    const rows = compareRows(base, wrongFix, 140_000_000, 'request-time-p99');
    expect(rows[0]).toEqual({ name: 'request_time p99', before: '1182.2 ms', after: '1166.0 ms', change: '−1 %', judged: true });
    expect(rows.find((r) => r.name === 'CPU')).toMatchObject({ before: '92.2 %', after: '92.2 %', change: 'no change' });
  });

  it('flags the one row the question judges the fix by', () => {
    expect(compareRows(base, wrongFix, null, 'cpu-per-request').filter((r) => r.judged).map((r) => r.name)).toEqual(['CPU per request']);
    expect(compareRows(base, wrongFix, null, 'gateway-p99').filter((r) => r.judged).map((r) => r.name)).toEqual(['request_time − upstream_time p99']);
    expect(compareRows(base, wrongFix, null, 'largest-share').some((r) => r.judged)).toBe(false);
  });

  it('writes the change of every reading, replicas as a count', () => {
    const rows = compareRows(base, scaled, null, 'request-time-p99');
    expect(rows[0]?.change).toBe('−92 %');
    expect(rows.find((r) => r.name === 'replicas')).toMatchObject({ before: '1', after: '3', change: '+2' });
    expect(rows.find((r) => r.name === 'peak memory (one replica)')).toMatchObject({ after: '—', change: '' });
  });

  it('percentChange: a real minus, one decimal under 1 %, nothing without a reading', () => {
    expect(percentChange(200, 100)).toBe('−50 %');
    expect(percentChange(100, 100.4)).toBe('+0.4 %');
    expect(percentChange(100, 100.01)).toBe('no change');
    expect(percentChange(null, 3)).toBe('');
    expect(percentChange(0, 0)).toBe('no change');
  });
});
