import { describe, expect, it } from 'vitest';
import type { GatewayIR } from '../../config/ir.ts';
import { parseCanaryRolloutConfig } from '../../plugins/canary-rollout/config.ts';
import { TraceCollector } from '../../trace/sink.ts';
import { RolloutController } from './rollout-controller.ts';

const START = Date.UTC(2026, 0, 1, 12);
const noReport = { error: (p: unknown[], _c: string, m: string) => { throw new Error(`${p.join('.')}: ${m}`); }, warn: () => undefined };

function controller(): { c: RolloutController; ir: GatewayIR; sink: TraceCollector } {
  const config = parseCanaryRolloutConfig(
    { primary: 'v1', canary: 'v2', steps: [10, 50, 100], stepDuration: '10s', analysis: { window: '10s', maxErrorRate: 0.1, minRequests: 5 } },
    noReport,
  );
  const sink = new TraceCollector('summary');
  const c = new RolloutController(config, sink, START);
  const ir = { services: [] } as unknown as GatewayIR;
  c.manage(ir);
  return { c, ir, sink };
}

describe('rollout controller (Flagger-style, outside the gateway)', () => {
  it('writes the first step into every managed config at once', () => {
    const { ir } = controller();
    expect(ir.trafficShift).toMatchObject({ primary: 'v1', canary: 'v2', percent: 10 });
  });

  it('advances after a healthy step and records the move in the trace', () => {
    const { c, ir, sink } = controller();
    for (let i = 0; i < 10; i++) c.observe(START + 1000 + i * 500, 1000 + i * 500, 'v2', 200);
    c.tick(START + 10_500, 10_500);
    expect(ir.trafficShift?.percent).toBe(50);
    const moves = sink.events.filter((e) => e.type === 'breaker.transition');
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ machine: 'canary-rollout', replica: 'controller', from: 'progressing', to: 'progressing' });
  });

  it('writes the canary weight before and after each move, also for a step that keeps the status (the lab draws the ramp from it)', () => {
    const { c, sink } = controller();
    for (let i = 0; i < 10; i++) c.observe(START + 1000 + i * 500, 1000 + i * 500, 'v2', 200);
    c.tick(START + 10_500, 10_500);
    for (let i = 0; i < 6; i++) c.observe(START + 11_000 + i * 100, 11_000 + i * 100, 'v2', 503);
    const moves = sink.events.filter((e) => e.type === 'breaker.transition');
    expect(moves.map((m) => [m.from, m.to, m.weight])).toEqual([
      ['progressing', 'progressing', { from: 10, to: 50 }],
      ['progressing', 'rolledBack', { from: 50, to: 0 }],
    ]);
  });

  it('rolls back to 0 % when the canary fails, and ignores services it does not manage', () => {
    const { c, ir, sink } = controller();
    c.observe(START + 1000, 1000, 'other', 500);
    for (let i = 0; i < 6; i++) c.observe(START + 2000 + i * 100, 2000 + i * 100, 'v2', 503);
    expect(ir.trafficShift?.percent).toBe(0);
    expect(sink.events.some((e) => e.type === 'breaker.transition' && e.to === 'rolledBack')).toBe(true);
  });
});
