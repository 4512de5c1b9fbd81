/**
 * A DestinationRule's `loadBalancer.consistentHash` (istio/api networking/v1alpha3/destination_rule.proto,
 * ConsistentHashLB) read and checked: exactly one hash key (httpHeaderName, httpCookie, useSourceIp,
 * httpQueryParameterName — a proto oneof), at most one algorithm (ringHash or maglev, also a oneof; the
 * deprecated top-level minimumRingSize only without either), a cookie needs a name, and a Maglev table
 * size must be prime (Istio's validation; Envoy rejects any other). Without maglev, istiod configures
 * Envoy's ring hash (semantics §10).
 */
import type { JsonPath } from '../yaml-source.ts';
import type { Reporter } from './settings.ts';
import type { ConsistentHashIR } from './types.ts';

type Obj = Record<string, unknown>;
type CheckFields = (value: unknown, path: JsonPath, kind: string) => Obj;

export const CONSISTENT_HASH_FIELDS: Record<string, readonly string[]> = {
  consistentHash: ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName', 'ringHash', 'maglev', 'minimumRingSize'],
  httpCookie: ['name', 'path', 'ttl', 'attributes'],
  ringHash: ['minimumRingSize'],
  maglev: ['tableSize'],
};

/** Envoy's defaults (ring_hash.proto, maglev.proto). */
export const RING_MIN_DEFAULT = 1024;
export const RING_MAX = 8_388_608;
export const MAGLEV_TABLE_DEFAULT = 65537;
const MAGLEV_TABLE_MAX = 5_000_011;

const KEYS = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'];

export function readConsistentHash(value: unknown, path: JsonPath, r: Reporter, checkFields: CheckFields): ConsistentHashIR | undefined {
  const ch = checkFields(value, path, 'consistentHash');
  const keys = KEYS.filter((k) => ch[k] !== undefined && ch[k] !== null && ch[k] !== false);
  if (keys.length === 0) {
    r.error(path, `consistentHash needs a hash key: one of ${KEYS.join(', ')}`, 'e.g. httpHeaderName: x-user-id');
    return undefined;
  }
  if (keys.length > 1) {
    r.error([...path, keys[1] as string], `consistentHash sets ${keys.join(' and ')}; only one hash key is allowed (a proto oneof)`);
    return undefined;
  }
  const hashOn = readKey(keys[0] as string, ch, path, r, checkFields);
  if (!hashOn) return undefined;
  const out: ConsistentHashIR = { hashOn, algorithm: 'ring-hash', minimumRingSize: RING_MIN_DEFAULT, tableSize: MAGLEV_TABLE_DEFAULT };
  if (ch['ringHash'] !== undefined && ch['maglev'] !== undefined) {
    r.error([...path, 'maglev'], 'consistentHash sets both ringHash and maglev; only one hash algorithm is allowed (a proto oneof)');
    return undefined;
  }
  if (ch['minimumRingSize'] !== undefined) {
    if (ch['ringHash'] !== undefined || ch['maglev'] !== undefined) {
      r.error([...path, 'minimumRingSize'], 'the deprecated consistentHash.minimumRingSize cannot be set together with ringHash or maglev (Istio validation)', 'move it into ringHash.minimumRingSize');
      return undefined;
    }
    r.warn([...path, 'minimumRingSize'], 'consistentHash.minimumRingSize is deprecated', 'write ringHash: {minimumRingSize: …}', true);
    const size = ringSize(ch['minimumRingSize'], [...path, 'minimumRingSize'], r);
    if (size === null) return undefined;
    if (size !== undefined) out.minimumRingSize = size;
  }
  if (ch['ringHash'] !== undefined) {
    const ring = checkFields(ch['ringHash'], [...path, 'ringHash'], 'ringHash');
    const size = ringSize(ring['minimumRingSize'], [...path, 'ringHash', 'minimumRingSize'], r);
    if (size === null) return undefined;
    if (size !== undefined) out.minimumRingSize = size;
  }
  if (ch['maglev'] !== undefined) {
    out.algorithm = 'maglev';
    const maglev = checkFields(ch['maglev'], [...path, 'maglev'], 'maglev');
    const size = maglev['tableSize'];
    if (size !== undefined && size !== 0) {
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 2 || size > MAGLEV_TABLE_MAX || !isPrime(size)) {
        r.error([...path, 'maglev', 'tableSize'], `maglev tableSize must be a prime number up to ${MAGLEV_TABLE_MAX}, not ${JSON.stringify(size)}`, `Envoy's default is ${MAGLEV_TABLE_DEFAULT}`);
        return undefined;
      }
      out.tableSize = size;
    }
  }
  return out;
}

function readKey(key: string, ch: Obj, path: JsonPath, r: Reporter, checkFields: CheckFields): ConsistentHashIR['hashOn'] | undefined {
  const v = ch[key];
  const at: JsonPath = [...path, key];
  switch (key) {
    case 'httpHeaderName':
    case 'httpQueryParameterName':
      if (typeof v !== 'string' || v === '') {
        r.error(at, `${key} must be a non-empty string`);
        return undefined;
      }
      return key === 'httpHeaderName' ? { source: 'header', name: v.toLowerCase() } : { source: 'query', name: v };
    case 'useSourceIp':
      if (v !== true) {
        r.error(at, `useSourceIp must be true or false, not ${JSON.stringify(v)}`);
        return undefined;
      }
      return { source: 'ip' };
    default: {
      const cookie = checkFields(v, at, 'httpCookie');
      if (typeof cookie['name'] !== 'string' || cookie['name'] === '') {
        r.error(at, 'httpCookie needs a name (Istio validation: "name required for HttpCookie")');
        return undefined;
      }
      if (cookie['ttl'] !== undefined) {
        r.warn([...at, 'ttl'], 'with a ttl, Envoy sets the cookie itself when the request has none; gatelab hashes only a cookie the client sends (a request without one gets a random host, as with no hash key)', undefined, true);
      }
      return { source: 'cookie', name: cookie['name'] };
    }
  }
}

/** A ring size, undefined when unset, null (after an error) when invalid. */
function ringSize(v: unknown, at: JsonPath, r: Reporter): number | undefined | null {
  if (v === undefined || v === 0) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > RING_MAX) {
    r.error(at, `minimumRingSize must be a whole number from 1 to ${RING_MAX} (Envoy's maximum ring size), not ${JSON.stringify(v)}; Envoy rejects the cluster otherwise`);
    return null;
  }
  return v;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
