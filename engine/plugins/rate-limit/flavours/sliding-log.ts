/**
 * The exact sliding log (math/sliding-log.ts): every admitted instant of a key is remembered, and a
 * request passes only if fewer than `limit` fall in the last `window_size` seconds. No vendor in
 * the lesson runs it; it is the yardstick the approximate algorithms are compared with.
 */
import type { DecisionData, PluginHooks, PluginHost, RequestContext, Verdict } from '../../../pipeline/types.ts';
import type { SlidingLogFlavourConfig } from '../algorithm-config.ts';
import { resolveKey } from '../key.ts';
import { describeSlidingLog } from '../math/describe.ts';
import { slidingLog, type SlidingLogState } from '../math/sliding-log.ts';
import { addResponseHeaders, admit, KeyedStates, reject } from './shared.ts';

export function createSlidingLogHooks(config: SlidingLogFlavourConfig): PluginHooks {
  const math = { limit: config.limit, windowMs: config.window_size * 1000 };
  const live = (s: SlidingLogState, nowMs: number): number => s.log.filter((t) => t > nowMs - math.windowMs).length;
  const states = new KeyedStates<SlidingLogState>((s, nowMs) => live(s, nowMs) === 0);

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const nowMs = host.now();
      const k = resolveKey(config.key, ctx);
      const { decision: d, state } = slidingLog(math, states.get(host.replica, k.value), nowMs);
      states.set(host.replica, k.value, state, nowMs);
      const remaining = d.allowed ? config.limit - d.inWindow - 1 : 0;
      const data: DecisionData = {
        algorithm: 'sliding-log',
        identifier: k.value,
        count: d.inWindow,
        limit: config.limit,
        remaining,
        ...(d.retryAfterMs !== undefined ? { retryAfterMs: d.retryAfterMs } : {}),
      };
      const head = `sliding log of ${config.window_size} s, ${k.label}: ${describeSlidingLog(d)}`;
      const headers: Array<[string, string]> = [
        ['RateLimit-Limit', String(config.limit)],
        ['RateLimit-Remaining', String(remaining)],
      ];
      if (d.allowed) return admit(ctx, head, data, headers);
      const retry = String(Math.max(1, Math.ceil((d.retryAfterMs ?? 0) / 1000)));
      return reject(ctx, config.status, `${head} → ${config.status}`, data, {
        headers: [...headers, ['Retry-After', retry], ['Content-Type', 'application/json']],
        body: JSON.stringify({ message: 'Too Many Requests' }),
      });
    },

    response: addResponseHeaders,

    snapshot(host: PluginHost): Record<string, unknown> {
      const nowMs = host.now();
      return states.snapshot(host.replica, (s) => ({ count: live(s, nowMs), limit: config.limit }));
    },
  };
}
