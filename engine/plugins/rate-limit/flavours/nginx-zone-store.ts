/**
 * Per replica, the memory of each `limit_req` zone of one plugin instance when a zone has a
 * `zone_size` (semantics §2, math/nginx-zone-memory.ts). The math decides a request from the nodes
 * this store hands it; `commit` then replays nginx's lookups in zone order — a found key moves to the
 * front of the queue, a new key is allocated (maybe evicting, maybe failing) — and stores the states.
 * Configs without any zone size never build one: they keep KeyedStates and their traces.
 */
import type { NginxLimitReqZone } from '../algorithm-config.ts';
import type { KeySpec } from '../key.ts';
import type { LimitReqDecision, LimitReqNode } from '../math/nginx-limit-req.ts';
import { LimitReqZoneMemory, nodeBytes, STALE_AGE_MS, utf8Bytes } from '../math/nginx-zone-memory.ts';
import { slabClass } from '../math/nginx-slab.ts';

/** A zone without a size: every key fits and nothing is evicted. */
class UnboundedZone {
  private readonly states = new Map<string, LimitReqNode>();
  get(key: string): LimitReqNode | undefined {
    return this.states.get(key);
  }
  touch(): void {}
  update(key: string, node: LimitReqNode): void {
    this.states.set(key, node);
  }
  insert(key: string, _bytes: number, node: LimitReqNode, _nowMs: number): { ok: true; evicted: [] } {
    this.states.set(key, node);
    return { ok: true, evicted: [] };
  }
  nodes(): IterableIterator<[string, LimitReqNode]> {
    return this.states.entries();
  }
}

type Zone = LimitReqZoneMemory | UnboundedZone;

/**
 * The bytes nginx keys a zone by. `key: ip` stands for `$binary_remote_addr` (4 bytes for IPv4, 16
 * for IPv6), the key nginx's docs and ingress-nginx use; every other key is its text, as
 * `$http_x_api_key` would be.
 */
export function keyBytes(spec: KeySpec, value: string): number {
  if (spec.kind === 'ip') return value.includes(':') ? 16 : 4;
  return utf8Bytes(value);
}

export interface ForcedEviction {
  zone: string;
  key: string;
  /** Requests still waiting in its bucket when it was dropped. */
  excess: number;
}

export interface ZoneMemoryEffect {
  /** The zone that could not place this request's key: nginx refuses it with limit_req_status. */
  full?: { zone: string; zoneBytes: number; nodeBytes: number };
  /** Keys dropped as the oldest whatever their state. Idle, drained keys dropped on the way are not
   * listed: a key in that state decides exactly like a key never seen. */
  forced: ForcedEviction[];
}

export class NginxZoneStore {
  private readonly byReplica = new Map<string, Zone[]>();

  constructor(
    private readonly zones: readonly NginxLimitReqZone[],
    private readonly key: KeySpec,
  ) {}

  private of(replica: string): Zone[] {
    let zs = this.byReplica.get(replica);
    if (!zs) {
      zs = this.zones.map((z) => (z.zone_size !== undefined ? new LimitReqZoneMemory(z.zone_size, z.limit.zone, z.limit.rateMilli) : new UnboundedZone()));
      this.byReplica.set(replica, zs);
    }
    return zs;
  }

  /** The node each zone holds for this key: what the math decides from. */
  nodes(replica: string, key: string): Array<LimitReqNode | undefined> {
    return this.of(replica).map((z) => z.get(key));
  }

  /** nginx's lookups for this request, in zone order, then the states the decision leaves. */
  commit(replica: string, key: string, d: LimitReqDecision, after: ReadonlyArray<LimitReqNode | undefined>, nowMs: number): ZoneMemoryEffect {
    const zs = this.of(replica);
    const bytes = keyBytes(this.key, key);
    const forced: ForcedEviction[] = [];
    const reached: number[] = [];
    // A node created for a key a later zone refuses stays, at excess 0 and `last` long ago.
    const stale: LimitReqNode = { excess: 0, last: Math.floor(nowMs) - STALE_AGE_MS };
    for (let i = 0; i < zs.length; i++) {
      const r = d.zones[i];
      const z = zs[i] as Zone;
      if (!r || r.skipped) continue;
      reached.push(i);
      if (!r.firstSeen) {
        z.touch(key);
        continue;
      }
      const res = z.insert(key, bytes, stale, nowMs);
      const name = (this.zones[i] as NginxLimitReqZone).limit.zone;
      const rate = (this.zones[i] as NginxLimitReqZone).limit.rateMilli;
      for (const e of res.evicted) {
        // What was still in its bucket at the moment it was dropped.
        if (e.forced) forced.push({ zone: name, key: e.key, excess: Math.max(0, e.node.excess - Math.floor((rate * Math.max(0, Math.floor(nowMs) - e.node.last)) / 1000)) });
      }
      if (!res.ok) {
        return { full: { zone: name, zoneBytes: (this.zones[i] as NginxLimitReqZone).zone_size ?? 0, nodeBytes: nodeBytes(bytes) }, forced };
      }
    }
    if (d.outcome === 'PASSED' || d.outcome === 'DELAYED') {
      for (const i of reached) {
        const node = after[i];
        if (node) (zs[i] as Zone).update(key, node);
      }
    }
    return { forced };
  }

  /** Every key a zone holds on this replica, oldest first for a sized zone. */
  entries(replica: string, index: number): IterableIterator<[string, LimitReqNode]> {
    return (this.of(replica)[index] as Zone).nodes();
  }
}

/** "1 MB" / "32 KB" / "40000 bytes": a zone size as nginx users write it. */
export function sizeWords(bytes: number): string {
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** A key for a sentence: long ones (a flood of junk values) are cut to their first 24 characters. */
export function keyWords(key: string): string {
  if (key === '') return '(empty)';
  return key.length <= 48 ? key : `${key.slice(0, 24)}… (${utf8Bytes(key)} bytes)`;
}

/** The clause a decision gains when nginx had to drop live keys to place this one. */
export function forcedWords(forced: readonly ForcedEviction[]): string {
  if (forced.length === 0) return '';
  const each = forced.map((f) => `${keyWords(f.key)}${f.excess > 0 ? ` (excess ${Math.round(f.excess) / 1000} still in its bucket)` : ''}`).join(', ');
  return `; zone "${forced[0]?.zone}" was full, so nginx dropped its oldest key ${each} to make room — that key starts afresh next time`;
}

/** The sentence of a refusal for lack of zone memory. */
export function fullWords(full: NonNullable<ZoneMemoryEffect['full']>, forced: readonly ForcedEviction[], status: number): string {
  const c = slabClass(full.nodeBytes);
  const chunk = c.kind === 'chunk' ? `a ${1 << c.shift}-byte slab chunk` : `${c.pages} whole page${c.pages === 1 ? '' : 's'}`;
  const dropped = forced.length > 0 ? `; dropping its oldest key ${forced.map((f) => keyWords(f.key)).join(', ')} freed too little` : '';
  return `zone "${full.zone}" (${sizeWords(full.zoneBytes)}) has no room for this key's ${full.nodeBytes}-byte node (${chunk})${dropped} → ${status}, as nginx's "could not allocate node" does; nothing is counted`;
}
