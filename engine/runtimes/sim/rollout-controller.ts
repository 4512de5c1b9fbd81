/**
 * A rollout controller beside the gateway, as Flagger or Argo Rollouts run one: it watches every
 * replica's requests to the canary, moves the canary's share along the plan (or rolls it back), and
 * writes that share into the gateway config (GatewayIR.trafficShift — the HTTPRoute weights or the
 * canary-weight annotation). One controller for all replicas, so its judgement uses all traffic.
 * It runs the same pure transition function as the canary-rollout plugin and the rollout machine.
 */
import type { GatewayIR } from '../../config/ir.ts';
import type { RolloutChange, RolloutState } from '../../machines/rollout/plan.ts';
import { isTerminal } from '../../machines/rollout/plan.ts';
import { startRollout, transition } from '../../machines/rollout/transition.ts';
import { isFailure } from '../../plugins/canary-rollout/decide.ts';
import type { CanaryRolloutConfig } from '../../plugins/canary-rollout/config.ts';
import type { TraceSink } from '../../trace/sink.ts';

export class RolloutController {
  private state: RolloutState;
  private readonly irs = new Set<GatewayIR>();

  constructor(
    private readonly config: CanaryRolloutConfig,
    private readonly sink: TraceSink,
    /** Epoch ms of the scenario start: the rollout begins with the run. */
    private readonly start: number,
  ) {
    this.state = startRollout(config.plan, start);
  }

  /** A config (initial, or from a config event) that the controller now writes its weights into. */
  manage(ir: GatewayIR): void {
    this.irs.add(ir);
    this.apply();
  }

  /** A request ended at `now` (epoch ms) on `service` with `status` from a backend. */
  observe(now: number, traceNow: number, service: string | undefined, status: number): void {
    if (service !== this.config.canary && service !== this.config.primary) return;
    this.step({ type: 'observe', now, canary: service === this.config.canary, failed: isFailure(this.config, status) }, traceNow);
  }

  tick(now: number, traceNow: number): void {
    this.step({ type: 'tick', now }, traceNow);
  }

  private step(event: Parameters<typeof transition>[2], traceNow: number): void {
    if (isTerminal(this.state.status)) return;
    const { state, changes } = transition(this.config.plan, this.state, event);
    this.state = state;
    if (changes.length === 0) return;
    for (const c of changes) this.emit(c, traceNow);
    this.apply();
  }

  private apply(): void {
    const s = this.state;
    const by = `the rollout controller (${s.status}, step ${s.step + 1} of ${this.config.plan.steps.length})`;
    for (const ir of this.irs) ir.trafficShift = { primary: this.config.primary, canary: this.config.canary, percent: s.weight, by };
  }

  private emit(c: RolloutChange, traceNow: number): void {
    if (!this.sink.wants('breaker.transition')) return;
    const at = c.at - this.start;
    this.sink.emit({
      type: 'breaker.transition',
      t: traceNow,
      replica: 'controller',
      machine: 'canary-rollout',
      subject: `${this.config.primary} → ${this.config.canary}`,
      from: c.from.status,
      to: c.to.status,
      reason: c.reason,
      // The share the canary gets before and after: a ramp step keeps the status and moves only this.
      weight: { from: c.from.weight, to: c.to.weight },
      ...(at < traceNow ? { at } : {}),
    });
  }
}
