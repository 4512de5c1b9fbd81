/**
 * What every flavour's hooks share: state per replica and key (each gateway node keeps its own, like
 * Kong's `local` policy — Envoy, Traefik and nginx count per process), the verdict shapes (admit, hold
 * with a real `sleep`, reject), and the response hook that adds headers to admitted responses.
 */
import { next, reply, wait, type DecisionData, type RequestContext, type Verdict } from '../../../pipeline/types.ts';
import { snapshotKey } from '../key.ts';
import { addHeaderLines, headerLines, NO_LINES, PLUGIN_ID, type RateLimitVars } from '../respond.ts';

/** Sweep idle keys once the map has doubled since the last sweep, so memory follows live keys. */
const MIN_SWEEP_SIZE = 1024;

export class KeyedStates<S> {
  private readonly byReplica = new Map<string, { states: Map<string, S>; sweepAt: number }>();

  /**
   * @param idle whether a key's state is indistinguishable from a brand-new key at `nowMs` (a full
   *   bucket, a drained nginx node, ended windows): such keys can be dropped without changing a decision.
   */
  constructor(private readonly idle: (state: S, nowMs: number) => boolean) {}

  private replica(name: string): { states: Map<string, S>; sweepAt: number } {
    let r = this.byReplica.get(name);
    if (!r) this.byReplica.set(name, (r = { states: new Map(), sweepAt: MIN_SWEEP_SIZE }));
    return r;
  }

  get(replica: string, key: string): S | undefined {
    return this.replica(replica).states.get(key);
  }

  set(replica: string, key: string, state: S, nowMs: number): void {
    const r = this.replica(replica);
    r.states.set(key, state);
    if (r.states.size < r.sweepAt) return;
    for (const [k, s] of r.states) if (this.idle(s, nowMs)) r.states.delete(k);
    r.sweepAt = Math.max(MIN_SWEEP_SIZE, r.states.size * 2);
  }

  /** Forgets a key's state (Traefik's full source map dropped it): its next request starts afresh. */
  delete(replica: string, key: string): void {
    this.byReplica.get(replica)?.states.delete(key);
  }

  /** `{ "<key with dots as _>": view(state) }` for every key this replica holds. */
  snapshot(replica: string, view: (state: S) => Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, s] of this.replica(replica).states) out[snapshotKey(k)] = view(s);
    return out;
  }
}

/** Three decimals at most: 5.999999999 tokens reads as 6 in the trace and in expectations. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** An admitted request; `headers` go on the response (the response hook adds them). */
export function admit(ctx: RequestContext, reason: string, data: DecisionData, headers: Array<[string, string]> = []): Verdict {
  ctx.vars[PLUGIN_ID] = { lines: headerLines(headers) } satisfies RateLimitVars;
  return next(reason, data);
}

/**
 * An admitted request that must first wait: the host really holds it (`sleep` effect) — nginx's
 * delayed excess, Traefik's reservation — and then it goes on.
 */
export function hold(ctx: RequestContext, ms: number, purpose: string, reason: string, data: DecisionData): Verdict {
  ctx.vars[PLUGIN_ID] = { lines: NO_LINES } satisfies RateLimitVars;
  // The resumed decision repeats the reason: it is the one a student finds as the stage's last word.
  return wait({ type: 'sleep', purpose, ms }, reason, () => next(`${reason}; the wait is over, forwarded now`, data), data);
}

export function reject(
  ctx: RequestContext,
  status: number,
  reason: string,
  data: DecisionData,
  response: { headers: Array<[string, string]>; body: string },
): Verdict {
  ctx.vars[PLUGIN_ID] = { lines: NO_LINES, note: 'the rejection already carries its headers' } satisfies RateLimitVars;
  return reply(status, reason, { headers: response.headers, body: response.body, data });
}

/** The response hook: headers the access hook left for an admitted request. */
export function addResponseHeaders(ctx: RequestContext): Verdict {
  return addHeaderLines(ctx);
}
