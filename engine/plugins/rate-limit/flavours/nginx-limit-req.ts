/**
 * nginx `limit_req` (semantics §2) on math/nginx-limit-req.ts: a leaky bucket in milli-requests per
 * key. Excess within `delay` (or with `nodelay`) passes at once; beyond it the request is really
 * held (a `sleep` effect) until the bucket has drained enough; over `burst` it gets
 * `limit_req_status` (503 by default) and the key's state is left exactly as it was. With a
 * `zone_size` the zone's memory is nginx's (nginx-zone-store.ts): a new key may drop the oldest, or be
 * refused with the same status when nothing fits; without one, nothing here changed.
 */
import type { DecisionData, PluginHooks, PluginHost, RequestContext, Verdict } from '../../../pipeline/types.ts';
import { next } from '../../../pipeline/types.ts';
import type { NginxLimitReqFlavourConfig } from '../algorithm-config.ts';
import { resolveKey, snapshotKey } from '../key.ts';
import { nginxPage } from '../../../net/nginx-pages.ts';
import { limitReqOne, type LimitReqDecision, type LimitReqNode } from '../math/nginx-limit-req.ts';
import { addResponseHeaders, admit, hold, KeyedStates, reject, round3 } from './shared.ts';
import { forcedWords, fullWords, NginxZoneStore } from './nginx-zone-store.ts';

/** A sized zone's keys as KeyedStates.snapshot shows them. */
export function snapshotEntries(entries: Iterable<[string, LimitReqNode]>, rateMilli: number, burst: number, nowMs: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, n] of entries) out[snapshotKey(k)] = { excess: req(Math.max(0, n.excess - drained(rateMilli, Math.max(0, nowMs - n.last)))), burst };
  return out;
}

/** nginx's own error page for a status: the limit_req rejection body. */
export const nginxErrorPage = nginxPage;

/** Milli-requests as requests, for sentences and charts: 4000 → 4. */
const req = (milli: number): number => round3(milli / 1000);

/** nginx's integer drain: R·ms/1000, truncated. */
const drained = (rateMilli: number, ms: number): number => Math.floor((rateMilli * ms) / 1000);

export function createNginxLimitReqHooks(config: NginxLimitReqFlavourConfig): PluginHooks {
  const { limit } = config;
  // A node whose next request would compute excess 0 behaves exactly like a new one.
  const states = new KeyedStates<LimitReqNode>((n, nowMs) => n.excess - drained(limit.rateMilli, nowMs - n.last) + 1000 <= 0);
  // With a zone_size the zone's memory is nginx's (nginx-zone-store.ts); without one, KeyedStates as ever.
  const store = config.zone_size !== undefined ? new NginxZoneStore([config], config.key) : undefined;
  const zone = `nginx limit_req zone "${limit.zone}" (rate=${config.rate}${limit.burst > 0 ? ` burst=${limit.burst}` : ''}${limit.delay === 'nodelay' ? ' nodelay' : limit.delay > 0 ? ` delay=${limit.delay}` : ''})`;

  const dataOf = (key: string, d: LimitReqDecision): DecisionData => ({
    algorithm: 'nginx-limit-req',
    identifier: key,
    outcome: d.outcome,
    excess: req(d.excess),
    burst: limit.burst,
    rate: req(limit.rateMilli),
    delayMs: d.delayMs,
    remaining: d.outcome === 'REJECTED' ? 0 : Math.max(0, Math.floor((limit.burst * 1000 - d.excess) / 1000)),
  });

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const nowMs = host.now();
      const k = resolveKey(config.key, ctx);
      const before = store ? store.nodes(host.replica, k.value)[0] : states.get(host.replica, k.value);
      const { decision: d, node } = limitReqOne(limit, k.value, before, nowMs);
      if (d.outcome === 'NOT_LIMITED') {
        // nginx declines a key it cannot store: an empty one, or one longer than 65535 bytes (§2).
        if (k.value === '') return next(`${zone}: the key is empty (${k.label}), and nginx does not limit a request with an empty key`);
        return next(`${zone}: the key is longer than 65535 bytes (${k.label}), and nginx does not limit a request with a key that long`);
      }
      const head = `${zone}, ${k.label}`;
      let memo = '';
      let data = dataOf(k.value, d);
      if (store) {
        const effect = store.commit(host.replica, k.value, d, [node], nowMs);
        if (effect.forced.length > 0) data = { ...data, evicted: effect.forced.map((f) => f.key).join(', ') };
        if (effect.full) {
          return reject(ctx, config.status, `${head}: ${fullWords(effect.full, effect.forced, config.status)}`, { ...data, outcome: 'REJECTED', zoneFull: true, remaining: 0 }, {
            headers: [['Content-Type', 'text/html']],
            body: nginxErrorPage(config.status),
          });
        }
        memo = forcedWords(effect.forced);
        // A rejection returns the node untouched: rejected requests cost nothing (§2).
      } else if (node && d.outcome !== 'REJECTED') states.set(host.replica, k.value, node, nowMs);
      const excess = `excess ${req(d.excess)}${limit.burst > 0 ? ` of burst ${limit.burst}` : ''}`;
      switch (d.outcome) {
        case 'REJECTED':
          return reject(ctx, config.status, `${head}: excess would be ${req(d.excess)}, over burst ${limit.burst} → ${config.status}; nothing is counted, the bucket stays as it was${memo}`, data, {
            headers: [['Content-Type', 'text/html']],
            body: nginxErrorPage(config.status),
          });
        case 'DELAYED':
          return hold(ctx, d.delayMs, `limit_req delay (zone ${limit.zone})`, `${head}: ${excess} — held ${d.delayMs} ms so requests leave at ${config.rate}${memo}`, data);
        default: {
          if (d.zones[0]?.firstSeen) return admit(ctx, `${head}: first request of this key — passes with excess 0${memo}`, data);
          const why = d.excess === 0 ? 'the bucket is empty' : limit.delay === 'nodelay' ? 'nodelay lets the excess through at once' : `within delay=${limit.delay}, so no wait`;
          return admit(ctx, `${head}: ${excess} — ${why}, passes${memo}`, data);
        }
      }
    },

    response: addResponseHeaders,

    snapshot(host: PluginHost): Record<string, unknown> {
      const nowMs = host.now();
      if (store) return snapshotEntries(store.entries(host.replica, 0), limit.rateMilli, limit.burst, nowMs);
      return states.snapshot(host.replica, (n) => ({ excess: req(Math.max(0, n.excess - drained(limit.rateMilli, Math.max(0, nowMs - n.last)))), burst: limit.burst }));
    },
  };
}
