/**
 * GCRA (math/gcra.ts): one theoretical arrival time per key. `burst` requests beyond the steady one
 * may run ahead of schedule; redis-cell-style headers tell the client what is left.
 */
import type { DecisionData, PluginHooks, PluginHost, RequestContext, Verdict } from '../../../pipeline/types.ts';
import type { GcraFlavourConfig } from '../algorithm-config.ts';
import { resolveKey } from '../key.ts';
import { describeGcra } from '../math/describe.ts';
import { gcra, type GcraState } from '../math/gcra.ts';
import { addResponseHeaders, admit, KeyedStates, reject, round3 } from './shared.ts';

export function createGcraHooks(config: GcraFlavourConfig): PluginHooks {
  const g = config.gcra;
  const capacity = g.burst + 1;
  // TAT at or before now: the key is as good as new (math/gcra.ts, "max(TAT, t)").
  const tatMs = (s: GcraState): number => s.originMs + s.tatScaled / g.limit;
  const states = new KeyedStates<GcraState>((s, nowMs) => tatMs(s) <= nowMs);
  const emission = g.periodMs / g.limit;

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const nowMs = host.now();
      const k = resolveKey(config.key, ctx);
      const { decision: d, state } = gcra(g, states.get(host.replica, k.value), nowMs);
      states.set(host.replica, k.value, state, nowMs);
      const data: DecisionData = {
        algorithm: 'gcra',
        identifier: k.value,
        aheadMs: round3(d.aheadMs),
        toleranceMs: round3(d.toleranceMs),
        emissionIntervalMs: round3(d.emissionIntervalMs),
        limit: capacity,
        remaining: d.remaining,
        ...(d.retryAfterMs !== undefined ? { retryAfterMs: d.retryAfterMs } : {}),
      };
      const head = `GCRA (${g.limit} per ${g.periodMs} ms, burst ${g.burst}), ${k.label}: ${describeGcra(d)}`;
      const headers: Array<[string, string]> = [
        ['X-RateLimit-Limit', String(capacity)],
        ['X-RateLimit-Remaining', String(d.remaining)],
      ];
      if (d.allowed) return admit(ctx, head, data, headers);
      return reject(ctx, config.status, `${head} → ${config.status}`, data, {
        headers: [...headers, ['Retry-After', String(Math.max(1, Math.ceil((d.retryAfterMs ?? 0) / 1000)))], ['Content-Type', 'application/json']],
        body: JSON.stringify({ message: 'Too Many Requests' }),
      });
    },

    response: addResponseHeaders,

    snapshot(host: PluginHost): Record<string, unknown> {
      const nowMs = host.now();
      return states.snapshot(host.replica, (s) => {
        const ahead = Math.max(0, tatMs(s) - nowMs);
        const slack = g.burst * emission - ahead;
        return { aheadMs: round3(ahead), remaining: slack >= -1e-9 ? Math.floor(slack / emission + 1e-9) + 1 : 0 };
      });
    },
  };
}
