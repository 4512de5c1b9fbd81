/**
 * Kong `rate-limiting-advanced` (Enterprise, closed source) with the local strategy, on
 * math/sliding-window.ts (semantics §1): one sliding (or fixed) window per `limit`/`window_size`
 * pair, every window must admit the request, and by default a denied request is counted too (the
 * penalty). Headers and body follow Kong's published examples; the details Kong does not publish
 * are gatelab's choices, listed as UNCONFIRMED in the README.
 */
import type { DecisionData, PluginHooks, PluginHost, RequestContext, Verdict } from '../../../pipeline/types.ts';
import type { SlidingWindowFlavourConfig } from '../algorithm-config.ts';
import { resolveKey } from '../key.ts';
import { describeSlidingWindow } from '../math/describe.ts';
import { rollSlidingWindow, slidingWindow, type SlidingWindowConfig, type SlidingWindowDecision, type SlidingWindowState } from '../math/sliding-window.ts';
import { errorBody, JSON_CONTENT_TYPE } from '../respond.ts';
import { advancedHeaders, decisiveRejection, remainingAfter, tightest, type WindowOutcome } from './sliding-window-headers.ts';
import { addResponseHeaders, admit, KeyedStates, reject, round3 } from './shared.ts';

type KeyState = Array<SlidingWindowState | undefined>;

/** "estimate 40 = 0 + 80 × 0.5" or, for a fixed window, "5 of 100 counted". */
function sentence(d: SlidingWindowDecision, fixed: boolean): string {
  if (!fixed) return describeSlidingWindow(d).replace(/^sliding window: /, '');
  if (d.allowed) return `fixed window: ${d.current} of ${d.limit} counted — admitted`;
  return `fixed window: ${d.current} of ${d.limit} counted, the limit is reached — rejected${d.penalised ? ' (and counted: the penalty)' : ''}, retry in ${d.retryAfterMs} ms`;
}

export function createSlidingWindowHooks(config: SlidingWindowFlavourConfig): PluginHooks {
  const fixed = config.window_type === 'fixed';
  const maths: SlidingWindowConfig[] = config.windows.map((w) => ({
    limit: w.limit,
    windowMs: w.windowSeconds * 1000,
    reject: config.reject,
    disablePenalty: config.disable_penalty,
    fixed,
  }));
  // Both windows of every pair have ended: a new key would start from the same zeros.
  const states = new KeyedStates<KeyState>((s, nowMs) => s.every((w, i) => !w || w.windowStartMs + 2 * (maths[i] as SlidingWindowConfig).windowMs <= nowMs));
  const label = (seconds: number): string => `Kong Advanced ${fixed ? 'fixed' : 'sliding'} window of ${seconds} s`;

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const nowMs = host.now();
      const k = resolveKey(config.key, ctx);
      const prev = states.get(host.replica, k.value) ?? [];
      const results = maths.map((m, i) => slidingWindow(m, prev[i], nowMs));
      const allowed = results.every((r) => r.decision.allowed);
      // The request counts in every window if admitted, or if denied with the penalty on.
      const counted = allowed || !config.disable_penalty;
      const nextState: KeyState = maths.map((m, i) => {
        const rolled = rollSlidingWindow(m, prev[i], nowMs);
        return counted ? { ...rolled, current: rolled.current + 1 } : rolled;
      });
      states.set(host.replica, k.value, nextState, nowMs);

      const outcomes: WindowOutcome[] = results.map((r, i) => ({
        seconds: (config.windows[i] as { windowSeconds: number }).windowSeconds,
        decision: r.decision,
        remaining: r.decision.allowed ? remainingAfter(r.decision, counted, config.reject) : 0,
        nowMs,
        windowMs: (maths[i] as SlidingWindowConfig).windowMs,
      }));
      const decisive = allowed ? tightest(outcomes) : decisiveRejection(outcomes);
      const d = decisive.decision;
      const headers = config.hide_client_headers ? [] : advancedHeaders(outcomes, allowed);
      const several = outcomes.length > 1 ? `, the tightest of ${outcomes.length} windows` : '';
      const data: DecisionData = {
        algorithm: 'sliding-window',
        identifier: k.value,
        window: decisive.seconds,
        limit: d.limit,
        estimate: round3(d.estimate),
        current: d.current,
        previous: d.previous,
        previousWeight: round3(d.previousWeight),
        remaining: decisive.remaining,
        ...(d.retryAfterMs !== undefined ? { retryAfterMs: d.retryAfterMs } : {}),
      };
      const head = `${label(decisive.seconds)}, ${k.label}: ${sentence(d, fixed)}${several}`;
      if (allowed) return admit(ctx, head, data, headers);
      return reject(ctx, config.error_code, `${head} → ${config.error_code}`, { ...data, penalised: counted }, {
        headers: [...headers, ['Content-Type', JSON_CONTENT_TYPE]],
        body: errorBody(config.error_message, ctx.request.id),
      });
    },

    response: addResponseHeaders,

    snapshot(host: PluginHost): Record<string, unknown> {
      const nowMs = host.now();
      const view = (w: SlidingWindowState | undefined, m: SlidingWindowConfig): Record<string, number> => {
        const s = rollSlidingWindow(m, w, nowMs);
        const elapsed = Math.min(m.windowMs, nowMs - s.windowStartMs);
        const previous = m.fixed ? 0 : s.previous;
        return { current: s.current, previous, estimate: round3(s.current + (previous * (m.windowMs - elapsed)) / m.windowMs), limit: m.limit };
      };
      return states.snapshot(host.replica, (s) => {
        if (maths.length === 1) return view(s[0], maths[0] as SlidingWindowConfig);
        return Object.fromEntries(maths.map((m, i) => [`${m.windowMs / 1000}s`, view(s[i], m)]));
      });
    },
  };
}
