/**
 * A limit_req zone's memory (semantics §2, "Zone exhaustion"): nginx's slab sizes
 * (ngx_slab_init, ngx_slab_alloc_locked) and ngx_http_limit_req_expire's order — at most two idle,
 * drained nodes before each new key, then the oldest by force, then the rejection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { I386, MIN_ZONE_BYTES, parseNginxSize, slabClass, slabPages, X86_64 } from './nginx-slab.ts';
import { LimitReqZoneMemory, nodeBytes, zoneCapacity } from './nginx-zone-memory.ts';

const MB = 1024 * 1024;
const RATE = 1000; // 1r/s in milli-requests

describe('zone size → states (semantics §2, nginx docs "one megabyte zone")', () => {
  it('§2 a node is offsetof(rbtree node, color) + offsetof(limit_req node, data) + key: 80 + k on x86-64, 40 + k on 32-bit', () => {
    expect(nodeBytes(4)).toBe(84);
    expect(nodeBytes(4, I386)).toBe(44);
    expect(slabClass(84)).toEqual({ kind: 'chunk', shift: 7, perPage: 32 });
    // 64-byte chunks on 32-bit are below the exact size (128), so one chunk holds the page bitmap.
    expect(slabClass(44, I386)).toEqual({ kind: 'chunk', shift: 6, perPage: 63 });
    expect(slabClass(2048)).toEqual({ kind: 'pages', pages: 1 });
  });

  it('§2 1 MB holds 254 pages on x86-64 and 255 on 32-bit', () => {
    expect(slabPages(MB, X86_64)).toBe(254);
    expect(slabPages(MB, I386)).toBe(255);
    expect(slabPages(MIN_ZONE_BYTES)).toBe(7);
  });

  it('§2 1 MB keeps about 8 thousand 128-byte states (x86-64, $binary_remote_addr) and about 16 thousand 64-byte states (32-bit)', () => {
    // 253 pages of 32 chunks, less the chunk the tree header takes; the log context has its own page.
    expect(zoneCapacity(MB, 4)).toBe(8095);
    expect(zoneCapacity(MB, 4, 'one', I386)).toBe(16001);
    // ingress-nginx's 5m zones.
    expect(zoneCapacity(5 * MB, 4)).toBe(40_671);
  });

  it('§2 sizes are read as ngx_parse_size reads them', () => {
    expect(parseNginxSize('10m')).toEqual({ ok: true, bytes: 10 * MB });
    expect(parseNginxSize('32K')).toEqual({ ok: true, bytes: 32_768 });
    expect(parseNginxSize(40_000)).toEqual({ ok: true, bytes: 40_000 });
    expect(parseNginxSize('1.5m').ok).toBe(false);
    expect(parseNginxSize('10 m').ok).toBe(false);
    expect(parseNginxSize('1g').ok).toBe(false); // stock ngx_parse_size knows k and m only
  });
});

/** A 32 KB zone: 5 free pages once the tree header (128-byte page) and log context (32-byte page) are in. */
function smallZone(): LimitReqZoneMemory {
  return new LimitReqZoneMemory(MIN_ZONE_BYTES, 'one', RATE);
}

describe('ngx_http_limit_req_expire (semantics §2)', () => {
  it('§2 before each new key nginx frees at most two idle (≥ 60 s), drained nodes from the back of the queue', () => {
    const z = smallZone();
    for (let i = 0; i < 5; i++) z.insert(`old${i}`, 4, { excess: 0, last: 0 }, 0);
    const r = z.insert('new', 4, { excess: 0, last: 60_000 }, 60_000);
    expect(r).toEqual({ ok: true, evicted: [
      { key: 'old0', forced: false, node: { excess: 0, last: 0 } },
      { key: 'old1', forced: false, node: { excess: 0, last: 0 } },
    ] });
    expect([...z.keys()]).toEqual(['old2', 'old3', 'old4', 'new']);
  });

  it('§2 the sweep stops at the first node that is not idle for 60 s or not drained', () => {
    const z = smallZone();
    z.insert('busy', 4, { excess: 0, last: 10_000 }, 10_000);
    z.insert('idle', 4, { excess: 0, last: 0 }, 10_000);
    expect(z.insert('a', 4, { excess: 0, last: 69_999 }, 69_999).evicted).toEqual([]); // busy: idle 59.999 s
    const w = smallZone();
    // 61 s at 1r/s drains 61 requests; 62 are still waiting.
    w.insert('full', 4, { excess: 62_000, last: 0 }, 0);
    expect(w.insert('b', 4, { excess: 0, last: 61_000 }, 61_000).evicted).toEqual([]);
  });

  it('§2 a full zone drops its oldest node by force when the new key needs a chunk of the same size', () => {
    const z = smallZone();
    const cap = zoneCapacity(MIN_ZONE_BYTES, 4);
    for (let i = 0; i < cap; i++) z.insert(`k${i}`, 4, { excess: 3000, last: 1000 + i }, 1000 + i);
    z.touch('k0'); // a lookup moves k0 to the front; k1 is now the oldest
    const r = z.insert('new', 4, { excess: 0, last: 5000 }, 5000);
    expect(r).toEqual({ ok: true, evicted: [{ key: 'k1', forced: true, node: { excess: 3000, last: 1001 } }] });
    expect(z.size).toBe(cap);
  });

  it('§2 when freeing the oldest node frees no chunk of the size needed, the new key is refused', () => {
    const z = smallZone();
    // 64-byte keys: 144-byte nodes in 256-byte chunks, 16 to a page, 5 pages.
    for (let i = 0; i < 80; i++) z.insert(`long-${String(i).padStart(59, '0')}`, 64, { excess: 0, last: 0 }, 0);
    // A 4-byte key needs a 128-byte chunk: the tree header's page still has 31 of those.
    expect(z.insert('short', 4, { excess: 0, last: 0 }, 0).ok).toBe(true);
    // A 1000-byte key needs a 2048-byte chunk: no page is free, and dropping one 256-byte node frees none.
    const r = z.insert('x'.repeat(1000), 1000, { excess: 0, last: 0 }, 0);
    expect(r.ok).toBe(false);
    expect(r.evicted).toHaveLength(1);
    expect(r.evicted[0]?.forced).toBe(true);
    expect(z.pagesFree).toBe(0);
  });

  it('§2 invariant: whatever keys arrive, a zone never holds more nodes than its pages allow, and every refusal happens with no page free', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`zone memory property seed: ${seed}`);
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 400 }), len: fc.constantFrom(4, 16, 60, 200, 500, 1000, 2500), dt: fc.integer({ min: 0, max: 30_000 }), touch: fc.boolean() }), { maxLength: 400 }),
        (ops) => {
          const z = smallZone();
          let now = 0;
          for (const op of ops) {
            now += op.dt;
            const key = `${op.key}:${op.len}`;
            if (z.get(key)) {
              if (op.touch) z.touch(key);
              continue;
            }
            const r = z.insert(key, op.len, { excess: 1000, last: now }, now);
            if (!r.ok) expect(z.pagesFree).toBe(0);
            expect(z.pagesFree).toBeGreaterThanOrEqual(0);
            // The smallest node takes a 128-byte chunk: 32 per page, plus 31 beside the tree header.
            expect(z.size).toBeLessThanOrEqual(31 + 5 * 32);
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
