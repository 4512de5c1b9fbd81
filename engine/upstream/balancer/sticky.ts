/**
 * ingress-nginx's cookie affinity (`affinity: cookie`): rootfs/etc/nginx/lua/balancer/sticky.lua with
 * sticky_persistent.lua or sticky_balanced.lua. The cookie's value is `<key>|<backend key>`;
 * sticky.lua `balance()` reads only `<key>` (get_cookie → get_cookie_parsed().upstream_key), the
 * backend key is for the canary decision (routing/ingress-nginx-affinity.ts).
 *
 * - persistent: the key of an endpoint is md5(backend name .. "address:port") (util/nodemap.lua
 *   create_map). A key no current endpoint has — the pod is gone — finds nothing, so a new endpoint is
 *   drawn at random (nodemap random_except) and the answer sets the cookie again.
 * - balanced: the key is any string and the endpoint is resty.chash's find(key) on the ring of every
 *   endpoint (weight 1 each, the ring of upstream-hash-by), so a key always finds *some* endpoint:
 *   when pods come and go the key lands where the ring now sends it and no cookie is set. A new key
 *   is "<ngx.now() + i>.<worker pid>.<math.random(999999)>" for i = 1..20 until its endpoint is not one
 *   that failed for this request; gatelab writes worker pid 1 and takes the random part from the
 *   request's draw, so both hosts make the same key.
 *
 * balancer.lua knows nothing of the health rules gatelab may add (passive checks): when the cookie's
 * endpoint is not among the hosts gatelab allows, the pick is new, as if its key were unusable.
 * `session-cookie-change-on-failure` is decided by the caller: without it a retry keeps the cookie's
 * endpoint (the dialect turns "retry another host" off), with it the failed host is not offered.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ActiveCounts, checkEligible, drawIndex, fmt, hostName } from './common.ts';
import { crc32 } from './crc32.ts';
import { buildChashRing, chashFind } from './nginx-chash-ring.ts';
import type { BalancedHost, Balancer, Pick, PickRequest } from './types.ts';

export interface StickySpec {
  mode: 'balanced' | 'persistent';
  /** The cookie's name (session-cookie-name, default INGRESSCOOKIE), for reasons. */
  cookie: string;
  /** The backend (upstream) name: nodemap's hash salt. */
  salt: string;
}

/** sticky_balanced.lua MAX_UPSTREAM_CHECKS_COUNT. */
const MAX_KEY_TRIES = 20;

const encoder = new TextEncoder();

/** ngx.md5: the lower-case hex MD5 of a string. */
export function ngxMd5(text: string): string {
  return bytesToHex(md5(encoder.encode(text)));
}

/** The key part of a cookie value: what util/split.lua split_string(value, "|") gives first. */
export function stickyKeyOf(value: string): string | undefined {
  const key = value.split('|')[0] ?? '';
  return key === '' ? undefined : key;
}

/**
 * Lua's tostring of ngx.now() + i (%.14g of seconds with milliseconds): "1767268801.12", no
 * trailing zeros, no point for a whole second.
 */
function luaSeconds(nowMs: number, plus: number): string {
  const whole = Math.floor(nowMs / 1000) + plus;
  const ms = Math.round(nowMs - Math.floor(nowMs / 1000) * 1000);
  if (ms === 0) return String(whole);
  return `${whole}.${String(ms).padStart(3, '0').replace(/0+$/, '')}`;
}

export function createSticky(hosts: readonly BalancedHost[], spec: StickySpec): Balancer {
  const active = new ActiveCounts(hosts.length);
  const persistentKeys = spec.mode === 'persistent' ? hosts.map((h) => ngxMd5(spec.salt + h.key)) : [];
  const byKey = new Map<string, number>(persistentKeys.map((k, i) => [k, i]));
  const ring = spec.mode === 'balanced' ? buildChashRing(hosts.map((h) => ({ id: h.key, weight: 1 }))) : undefined;
  const name = spec.mode === 'persistent' ? 'sticky_persistent' : 'sticky_balanced';

  /** The endpoint a key leads to, or -1 (persistent: no endpoint has it). */
  const find = (key: string): number => (ring ? chashFind(ring, crc32(key)) : (byKey.get(key) ?? -1));

  const fresh = (eligible: readonly number[], req: PickRequest, why: string): Pick => {
    if (!ring) {
      // nodemap random_except: every endpoint but the ones that failed, equally likely.
      const u = req.draw('lb-sticky');
      const index = eligible[drawIndex(u, eligible.length)] as number;
      const key = persistentKeys[index] as string;
      return {
        index,
        reason: `${name}: ${why}; a new endpoint at random (draw ${fmt(u)} of ${eligible.length}) → ${hostName(hosts, index)}, whose key md5("${spec.salt}${hostName(hosts, index)}") = ${key} the answer sets in ${spec.cookie}`,
        sticky: { key, fresh: true },
      };
    }
    const allowed = new Set(eligible);
    for (let i = 1; i <= MAX_KEY_TRIES; i++) {
      const key = `${luaSeconds(req.now, i)}.1.${1 + Math.floor(req.draw('lb-sticky', i) * 999999)}`;
      const index = find(key);
      if (!allowed.has(index)) continue;
      const tries = i > 1 ? ` (key ${i} of at most ${MAX_KEY_TRIES}: the earlier ones led to hosts not allowed here)` : '';
      return {
        index,
        reason: `${name}: ${why}; a new key "${key}" hashes (crc32, the chash ring) to ${hostName(hosts, index)}${tries}; the answer sets it in ${spec.cookie}`,
        sticky: { key, fresh: true },
      };
    }
    // sticky_balanced.lua gives up here and nginx has no peer; gatelab sends to the first allowed host.
    const index = eligible[0] as number;
    return {
      index,
      reason: `${name}: ${why}; ${MAX_KEY_TRIES} new keys all led to hosts not allowed here (ingress-nginx would log "failed to get new upstream"); gatelab sends to ${hostName(hosts, index)}`,
      sticky: { key: '', fresh: false },
    };
  };

  return {
    pick(eligible, req) {
      checkEligible(eligible, hosts.length);
      const raw = req.hashKey;
      const key = raw === undefined ? undefined : stickyKeyOf(raw);
      if (key === undefined) return fresh(eligible, req, raw === undefined ? `no ${spec.cookie} cookie` : `cookie ${spec.cookie}="${raw}" has no key`);
      const found = find(key);
      if (found < 0) return fresh(eligible, req, `cookie ${spec.cookie}'s key ${key} names no current endpoint (its pod is gone)`);
      if (!eligible.includes(found)) return fresh(eligible, req, `cookie ${spec.cookie}'s key leads to ${hostName(hosts, found)}, which may not serve this try`);
      const how = ring ? `hashes (crc32, the chash ring) to` : `is md5("${spec.salt}${hostName(hosts, found)}"), the key of`;
      return { index: found, reason: `${name}: cookie ${spec.cookie}'s key ${key} ${how} ${hostName(hosts, found)}: the session stays there`, sticky: { key, fresh: false } };
    },
    started(i) {
      active.started(i);
    },
    finished(i) {
      active.finished(i);
    },
    snapshot() {
      return { algorithm: name, cookie: spec.cookie, ...(ring ? { ringPoints: ring.hashes.length } : { keys: persistentKeys }), active: [...active.counts] };
    },
  };
}
