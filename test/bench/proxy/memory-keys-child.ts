/**
 * Run with --expose-gc (./memory-keys.ts does): bytes per tracked key in the store the
 * rate-limiting plugin keeps with `policy: local` (LocalCounters, a `minute` limit as in the bench
 * config), filled with N distinct IPv4 clients at one instant: heap after full GC, before and after,
 * over N. test/bench/memory.ts has the wider table (more periods, other structures).
 */
import { LocalCounters } from '../../../engine/plugins/rate-limit/policy-local.ts';
import { printTable } from '../table.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const NGINX_BYTES = 128;
const TARGET_BYTES = 160;

function heap(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function ipOf(i: number): string {
  return `${10 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

/** Each case in its own frame, so nothing it built stays reachable from a dead local. */
function measure(keys: number, build: (n: number) => unknown): number {
  const before = heap();
  const built = build(keys);
  const bytes = (heap() - before) / keys;
  if (built === null) console.log('unreachable');
  return bytes;
}

function main(): void {
  if (!gc) throw new Error('GL_E_BENCH_ARGS: run with node --expose-gc');
  const keys = Number(process.argv[2] ?? 1_000_000);
  const now = Date.UTC(2026, 0, 1, 12, 0, 5);
  const strings = measure(keys, (n) => Array.from({ length: n }, (_, i) => ipOf(i)));
  const local = measure(keys, (n) => {
    const store = new LocalCounters();
    for (let i = 0; i < n; i++) store.check({ minute: 10_000_000 }, ipOf(i), now);
    return store;
  });
  printTable(
    `Bytes per tracked rate-limit key, ${keys.toLocaleString('en')} distinct IPv4 clients (heap after full GC; target ≤ ${TARGET_BYTES} B, nginx ${NGINX_BYTES} B)`,
    ['store', 'bytes/key', 'vs nginx', 'target met'],
    [
      ['IPv4 key strings alone (peer)', `${strings.toFixed(0)} B`, `${(strings / NGINX_BYTES).toFixed(2)}×`, ''],
      ['rate-limiting, policy local (LocalCounters, minute)', `${local.toFixed(0)} B`, `${(local / NGINX_BYTES).toFixed(2)}×`, local <= TARGET_BYTES ? 'yes' : 'NO'],
      ['nginx limit_req zone (documented, 64-bit)', `${NGINX_BYTES} B`, '1.00×', ''],
    ],
  );
}

main();
