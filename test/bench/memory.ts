/**
 * Bytes per key with 1M distinct IPv4 clients, run in its own process with --expose-gc (run.ts
 * spawns it): the heap after a full collection, before and after filling each structure, over the
 * number of keys. Typed-array storage lives outside the JS heap, so `arrayBuffers` is added in.
 *
 * Peers in the same run: the key strings alone (what any string-keyed store pays before it stores
 * anything), nginx's own figure (128 bytes a state on 64-bit, from its documentation: a 1 MB zone
 * holds about 8 000 states), and a compact typed-array layout for comparison.
 */
import { performance } from 'node:perf_hooks';
import { LocalCounters } from '../../engine/plugins/rate-limit/policy-local.ts';
import { kongCounterKey, kongWindowStart } from '../../engine/plugins/rate-limit/math/kong-fixed-window.ts';
import { limitReqOne, type LimitReqNode } from '../../engine/plugins/rate-limit/math/nginx-limit-req.ts';
import { ModeledStore } from '../../engine/runtimes/sim/store.ts';
import { CompactWindowCounters, ipv4ToUint32 } from './compact-counters.ts';
import { printTable } from './table.ts';

const gc = (globalThis as { gc?: () => void }).gc;

/** A fixed instant mid-minute: every key is counted in the same live window. */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 5);

function ipOf(i: number): string {
  // 1M distinct addresses across 10.0.0.0/8 and 11.0.0.0/8, built fresh so each is its own string.
  return `${10 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

function heap(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Case {
  name: string;
  /** Fewer keys than asked for, and why (the result is still per key). */
  cap?: { keys: number; why: string };
  build: (n: number) => unknown;
}

const CASES: Case[] = [
  {
    name: 'IPv4 strings alone, in an array (peer)',
    build: (n) => Array.from({ length: n }, (_, i) => ipOf(i)),
  },
  {
    name: 'Kong local counters (LocalCounters), minute',
    build: (n) => {
      const store = new LocalCounters();
      for (let i = 0; i < n; i++) store.check({ minute: 100 }, ipOf(i), NOW);
      return store;
    },
  },
  {
    name: 'Kong local counters (LocalCounters), second+minute+hour',
    build: (n) => {
      const store = new LocalCounters();
      const limits = { second: 10, minute: 100, hour: 1000 };
      for (let i = 0; i < n; i++) store.check(limits, ipOf(i), NOW);
      return store;
    },
  },
  {
    name: 'nginx limit_req emulation: Map<ip, {excess, last}>',
    build: (n) => {
      const nodes = new Map<string, LimitReqNode>();
      const limit = { zone: 'z', rateMilli: 10_000, burst: 5, delay: 0 } as const;
      for (let i = 0; i < n; i++) {
        const ip = ipOf(i);
        const r = limitReqOne(limit, ip, nodes.get(ip), NOW);
        if (r.node) nodes.set(ip, r.node);
      }
      return nodes;
    },
  },
  {
    name: 'modeled Redis (ModeledStore), Kong redis key per IP',
    // Above 100 000 live keys every apply() scans the whole map for expired entries, so filling
    // 1M keys would take hours; per key, 90 000 tells the same story.
    cap: { keys: 90_000, why: 'apply() rescans all keys above 100k' },
    build: (n) => {
      const store = new ModeledStore();
      const windowStartMs = kongWindowStart('minute', NOW);
      for (let i = 0; i < n; i++) {
        const key = kongCounterKey({ identifier: ipOf(i), period: 'minute', windowStartMs });
        store.apply([{ op: 'incr', key, by: 1, ttlMs: 60_000 }], NOW);
      }
      return store;
    },
  },
  {
    name: 'compact sketch: uint32 IPv4 + int32 window + int32 count',
    build: (n) => {
      const table = new CompactWindowCounters(60_000);
      for (let i = 0; i < n; i++) table.check(ipv4ToUint32(ipOf(i)), 100, NOW);
      return table;
    },
  },
];

export const NGINX_BYTES_PER_STATE = 128;

/**
 * One case in its own call frame: once it returns, nothing on the stack can still point at what it
 * built (an interpreter frame may keep a dead local alive until the slot is reused, which made the
 * next case's "before" include this one).
 */
function measure(c: Case, keys: number): { bytes: number; seconds: number } {
  const before = heap();
  const t0 = performance.now();
  let built: unknown = c.build(keys);
  const seconds = (performance.now() - t0) / 1000;
  const bytes = (heap() - before) / keys;
  if (built === null) console.log('unreachable'); // keeps `built` alive until after the second heap()
  built = undefined;
  return { bytes, seconds };
}

function main(): void {
  if (!gc) throw new Error('run with node --expose-gc (run.ts does this)');
  const n = Number(process.argv[2] ?? 1_000_000);
  const rows: string[][] = [];
  for (const c of CASES) {
    const keys = Math.min(n, c.cap?.keys ?? n);
    const { bytes, seconds } = measure(c, keys);
    const name = keys < n && c.cap ? `${c.name} [${keys.toLocaleString('en')} keys: ${c.cap.why}]` : c.name;
    rows.push([name, `${bytes.toFixed(0)} B`, `${(bytes / NGINX_BYTES_PER_STATE).toFixed(2)}×`, `${seconds.toFixed(1)} s`]);
  }
  rows.push(['nginx limit_req zone (its documentation, 64-bit)', `${NGINX_BYTES_PER_STATE} B`, '1.00×', '']);
  printTable(
    `Bytes per key, ${n.toLocaleString('en')} distinct IPv4 clients (heap after full GC, before vs after; ratio to nginx's 128 B)`,
    ['structure', 'bytes/key', 'vs nginx', 'fill time'],
    rows,
  );
}

main();
