/**
 * Several `limit_req` lines in one nginx location (semantics §2), on math/nginx-limit-req.ts's
 * `limitReq`: ingress-nginx's `limit-rps` and `limit-rpm` on one Ingress render two of them, rps
 * first. nginx looks every zone up before it counts in any: the first zone whose excess would pass
 * its burst refuses the request and no zone changes; when all have room, every zone counts the
 * request and it waits for the largest of their delays. Two plugin instances in a row could not do
 * that — the first would count a request the second refuses — so one instance holds all the zones.
 * A config with one zone keeps using nginx-limit-req.ts, whose sentences the traces pin.
 */
import type { DecisionData, PluginHooks, PluginHost, RequestContext, Verdict } from '../../../pipeline/types.ts';
import { next } from '../../../pipeline/types.ts';
import type { NginxLimitReqFlavourConfig, NginxLimitReqZone } from '../algorithm-config.ts';
import { resolveKey } from '../key.ts';
import { limitReq, type LimitReqDecision, type LimitReqNode } from '../math/nginx-limit-req.ts';
import { nginxPage } from '../../../net/nginx-pages.ts';
import { addResponseHeaders, admit, hold, KeyedStates, reject, round3 } from './shared.ts';
import { forcedWords, fullWords, NginxZoneStore } from './nginx-zone-store.ts';
import { snapshotEntries } from './nginx-limit-req.ts';

/** Milli-requests as requests: 4000 → 4. */
const req = (milli: number): number => round3(milli / 1000);

/** nginx's integer drain: R·ms/1000, truncated. */
const drained = (rateMilli: number, ms: number): number => Math.floor((rateMilli * ms) / 1000);

function zoneWords(z: NginxLimitReqZone): string {
  const { limit } = z;
  const delay = limit.delay === 'nodelay' ? ' nodelay' : limit.delay > 0 ? ` delay=${limit.delay}` : '';
  return `"${limit.zone}" (rate=${z.rate}${limit.burst > 0 ? ` burst=${limit.burst}` : ''}${delay})`;
}

export function createNginxLimitReqZonesHooks(config: NginxLimitReqFlavourConfig): PluginHooks {
  const zones: NginxLimitReqZone[] = [{ limit: config.limit, rate: config.rate }, ...(config.also ?? [])];
  // One state map per zone: each zone is its own shared-memory tree in nginx.
  const states = zones.map(({ limit }) => new KeyedStates<LimitReqNode>((n, nowMs) => n.excess - drained(limit.rateMilli, nowMs - n.last) + 1000 <= 0));
  // Any zone with a size: every zone's memory is kept as nginx keeps it (nginx-zone-store.ts).
  const store = zones.some((z) => z.zone_size !== undefined) ? new NginxZoneStore(zones, config.key) : undefined;
  const head = `nginx limit_req zones ${zones.map(zoneWords).join(', then ')}`;
  const byName = new Map(zones.map((z) => [z.limit.zone, z]));

  /** Each zone's excess after this request, for the trace: `excess_<zone>`. */
  const dataOf = (key: string, d: LimitReqDecision): DecisionData => {
    const decider = d.zone !== undefined ? byName.get(d.zone) : undefined;
    const data: DecisionData = {
      algorithm: 'nginx-limit-req',
      identifier: key,
      outcome: d.outcome,
      zone: d.zone ?? null,
      excess: req(d.excess),
      burst: decider?.limit.burst ?? null,
      delayMs: d.delayMs,
    };
    for (const z of d.zones) if (z.excess !== undefined) data[`excess_${z.zone}`] = req(z.excess);
    return data;
  };

  return {
    access(ctx: RequestContext, host: PluginHost): Verdict {
      const nowMs = host.now();
      const k = resolveKey(config.key, ctx);
      const held = store?.nodes(host.replica, k.value);
      const inputs = zones.map((z, i) => ({ limit: z.limit, key: k.value, node: held ? held[i] : states[i]?.get(host.replica, k.value) }));
      const { decision: d, nodes } = limitReq(inputs, nowMs);
      if (d.outcome === 'NOT_LIMITED') {
        const why = k.value === '' ? `the key is empty (${k.label})` : `the key is longer than 65535 bytes (${k.label})`;
        return next(`${head}: ${why}, and nginx does not limit such a request in any zone`);
      }
      let data = dataOf(k.value, d);
      const who = `${head}, ${k.label}`;
      let memo = '';
      if (store) {
        const effect = store.commit(host.replica, k.value, d, nodes, nowMs);
        if (effect.forced.length > 0) data = { ...data, evicted: effect.forced.map((f) => f.key).join(', ') };
        if (effect.full) {
          return reject(ctx, config.status, `${who}: ${fullWords(effect.full, effect.forced, config.status)} in any zone`, { ...data, outcome: 'REJECTED', zone: effect.full.zone, zoneFull: true }, {
            headers: [['Content-Type', 'text/html']],
            body: nginxPage(config.status),
          });
        }
        memo = forcedWords(effect.forced);
      }
      if (d.outcome === 'REJECTED') {
        // A refusal counts in no zone, not even the ones that had room (§2): the states stay as they were.
        const z = byName.get(d.zone ?? '') as NginxLimitReqZone;
        const passed = d.zones.filter((r) => r.zone !== d.zone && r.excess !== undefined && !r.rejected).map((r) => `"${r.zone}"`);
        const earlier = passed.length > 0 ? ` ${passed.join(', ')} had room but count${passed.length === 1 ? 's' : ''} nothing either;` : '';
        return reject(ctx, config.status, `${who}: zone "${z.limit.zone}" excess would be ${req(d.excess)}, over burst ${z.limit.burst} → ${config.status};${earlier} no zone changes${memo}`, data, {
          headers: [['Content-Type', 'text/html']],
          body: nginxPage(config.status),
        });
      }
      if (!store) {
        nodes.forEach((node, i) => {
          if (node) states[i]?.set(host.replica, k.value, node, nowMs);
        });
      }
      const each = d.zones.map((r) => `"${r.zone}" excess ${req(r.excess ?? 0)}${(byName.get(r.zone)?.limit.burst ?? 0) > 0 ? ` of burst ${byName.get(r.zone)?.limit.burst}` : ''}`).join(', ');
      if (d.outcome === 'DELAYED') {
        return hold(ctx, d.delayMs, `limit_req delay (zone ${d.zone})`, `${who}: every zone has room (${each}) — held ${d.delayMs} ms, the largest zone delay (zone "${d.zone}")${memo}`, data);
      }
      return admit(ctx, `${who}: every zone has room (${each}), so every zone counts it — passes${memo}`, data);
    },

    response: addResponseHeaders,

    snapshot(host: PluginHost): Record<string, unknown> {
      const nowMs = host.now();
      const out: Record<string, unknown> = {};
      zones.forEach(({ limit }, i) => {
        if (store) {
          out[limit.zone] = snapshotEntries(store.entries(host.replica, i), limit.rateMilli, limit.burst, nowMs);
          return;
        }
        out[limit.zone] = states[i]?.snapshot(host.replica, (n) => ({ excess: req(Math.max(0, n.excess - drained(limit.rateMilli, Math.max(0, nowMs - n.last)))), burst: limit.burst }));
      });
      return out;
    },
  };
}
