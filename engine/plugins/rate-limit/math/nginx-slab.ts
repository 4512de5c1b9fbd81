/**
 * nginx's slab allocator (src/core/ngx_slab.c) as far as a `limit_req_zone` needs it: how many pages a
 * zone of N bytes has, which chunk size a node of S bytes takes, and when a page goes back to the free
 * pool. Numbers are for x86-64 Linux (8-byte pointers, 4096-byte pages) unless a platform says
 * otherwise; docs/plugins/rate-limit.md ("Zone size") walks through the derivation.
 *
 * What is counted exactly: the pool header, the slot and stat arrays, one page descriptor per page,
 * the alignment of the first page, the chunk bitmap that small-chunk pages keep in their own first
 * chunks, and nginx's order of pages in a slot's list (a new or just-unfilled page goes to the front,
 * a full page leaves the list, an empty page goes back to the free pool). What is not: the position
 * of free pages, so an allocation of several pages (a node of 2048 bytes or more, i.e. a key of
 * about 1970 bytes) only needs that many free pages, not that many adjacent ones.
 */

export interface SlabPlatform {
  /** sizeof(void *): 8 on x86-64, 4 on 32-bit builds. */
  pointerBytes: 8 | 4;
  /** ngx_pagesize: getpagesize(), 4096 on Linux x86. */
  pageSize: number;
}

export const X86_64: SlabPlatform = { pointerBytes: 8, pageSize: 4096 };
export const I386: SlabPlatform = { pointerBytes: 4, pageSize: 4096 };

/** pool->min_shift, set by ngx_init_zone_pool: chunks are at least 8 bytes. */
const MIN_SHIFT = 3;

/**
 * sizeof(ngx_slab_pool_t) on Linux with atomics and POSIX semaphores. 64-bit: lock (2 atomics) 16,
 * min_size 8, min_shift 8, pages 8, last 8, free (a page descriptor) 24, stats 8, pfree 8, start 8,
 * end 8, mutex (lock*, wait*, semaphore, sem_t 32, spin) 64, log_ctx 8, zero + log_nomem 8 with
 * padding, data 8, addr 8 = 200. 32-bit: the same fields with 4-byte words and a 16-byte sem_t = 100.
 */
function poolHeaderBytes(p: SlabPlatform): number {
  return p.pointerBytes === 8 ? 200 : 100;
}

/** sizeof(ngx_slab_page_t): slab (uintptr_t), next (pointer), prev (uintptr_t). */
const pageDescBytes = (p: SlabPlatform): number => 3 * p.pointerBytes;
/** sizeof(ngx_slab_stat_t): total, used, reqs, fails (ngx_uint_t each). */
const statBytes = (p: SlabPlatform): number => 4 * p.pointerBytes;

const log2 = (n: number): number => Math.round(Math.log2(n));

/** ngx_slab_init: the number of pages a zone of `zoneBytes` bytes offers. */
export function slabPages(zoneBytes: number, p: SlabPlatform = X86_64): number {
  const slots = log2(p.pageSize) - MIN_SHIFT;
  const size = zoneBytes - poolHeaderBytes(p) - slots * (pageDescBytes(p) + statBytes(p));
  let pages = Math.floor(size / (p.pageSize + pageDescBytes(p)));
  // The pages themselves start at the next page boundary after the descriptors (the zone's own
  // address is page-aligned by mmap), which can cost one of them.
  const descEnd = poolHeaderBytes(p) + slots * (pageDescBytes(p) + statBytes(p)) + pages * pageDescBytes(p);
  const start = Math.ceil(descEnd / p.pageSize) * p.pageSize;
  const fit = Math.floor((zoneBytes - start) / p.pageSize);
  if (pages > fit) pages = fit;
  return Math.max(0, pages);
}

/** How an allocation of `bytes` is served: a chunk of 2^shift bytes, or whole pages. */
export type SlabClass = { kind: 'chunk'; shift: number; perPage: number } | { kind: 'pages'; pages: number };

/** ngx_slab_alloc_locked's sizing: below half a page, the next power of two (at least 8). */
export function slabClass(bytes: number, p: SlabPlatform = X86_64): SlabClass {
  const pageShift = log2(p.pageSize);
  if (bytes >= p.pageSize / 2) return { kind: 'pages', pages: Math.ceil(bytes / p.pageSize) };
  const shift = bytes > 1 << MIN_SHIFT ? Math.ceil(Math.log2(bytes)) : MIN_SHIFT;
  const perPageRaw = 1 << (pageShift - shift);
  // ngx_slab_exact_size = pagesize / (8 · sizeof(uintptr_t)): one word of bits maps a page of those.
  const exactShift = log2(p.pageSize / (8 * p.pointerBytes));
  if (shift >= exactShift) return { kind: 'chunk', shift, perPage: perPageRaw };
  // Smaller chunks keep their bitmap in the page's first chunks: (chunks/8 bytes) / chunk size, at least 1.
  const bitmapChunks = Math.max(1, Math.floor(perPageRaw / 8 / (1 << shift)));
  return { kind: 'chunk', shift, perPage: perPageRaw - bitmapChunks };
}

interface Page {
  free: number;
  readonly perPage: number;
}

/** One allocation: the page its chunk sits in, or a run of whole pages. */
export type SlabHandle = { kind: 'chunk'; shift: number; page: Page } | { kind: 'pages'; pages: number };

/** A zone's slab pool: free pages and, per chunk size, the pages that still have a free chunk. */
export class SlabPool {
  private freePages: number;
  /** Per shift, pages with a free chunk; index 0 is nginx's list head (where it allocates). */
  private readonly slots = new Map<number, Page[]>();

  constructor(
    zoneBytes: number,
    readonly platform: SlabPlatform = X86_64,
  ) {
    this.freePages = slabPages(zoneBytes, platform);
  }

  get pagesFree(): number {
    return this.freePages;
  }

  alloc(bytes: number): SlabHandle | null {
    const c = slabClass(bytes, this.platform);
    if (c.kind === 'pages') {
      if (this.freePages < c.pages) return null;
      this.freePages -= c.pages;
      return { kind: 'pages', pages: c.pages };
    }
    let list = this.slots.get(c.shift);
    if (!list) this.slots.set(c.shift, (list = []));
    let page = list[0];
    if (!page) {
      if (this.freePages < 1) return null;
      this.freePages -= 1;
      page = { free: c.perPage, perPage: c.perPage };
      list.unshift(page);
    }
    page.free -= 1;
    if (page.free === 0) list.shift(); // a full page leaves the slot's list
    return { kind: 'chunk', shift: c.shift, page };
  }

  free(h: SlabHandle): void {
    if (h.kind === 'pages') {
      this.freePages += h.pages;
      return;
    }
    const list = this.slots.get(h.shift) as Page[];
    const { page } = h;
    if (page.free === 0) list.unshift(page); // it was full: back to the front of the list
    page.free += 1;
    if (page.free === page.perPage) {
      list.splice(list.indexOf(page), 1);
      this.freePages += 1;
    }
  }
}

/** nginx refuses a shared zone smaller than eight pages ("zone … is too small"). */
export const MIN_ZONE_BYTES = 8 * 4096;

/**
 * ngx_parse_size: digits with an optional k/K (×1024) or m/M (×1024²) suffix, as in `zone=one:10m`
 * (stock nginx has no g; Tengine adds one). A number is taken as bytes.
 */
export function parseNginxSize(v: string | number): { ok: true; bytes: number } | { ok: false; error: string } {
  if (typeof v === 'number') {
    return Number.isSafeInteger(v) && v > 0 ? { ok: true, bytes: v } : { ok: false, error: `invalid zone size "${v}": a whole number of bytes, or 512k, 10m` };
  }
  const m = /^([0-9]+)([kKmM]?)$/.exec(v);
  if (!m) return { ok: false, error: `invalid zone size "${v}" (nginx takes a whole number with an optional k or m, e.g. 10m)` };
  const scale = { '': 1, k: 1024, m: 1024 ** 2 }[(m[2] as string).toLowerCase() as '' | 'k' | 'm'];
  const bytes = Number(m[1]) * scale;
  return Number.isSafeInteger(bytes) && bytes > 0 ? { ok: true, bytes } : { ok: false, error: `invalid zone size "${v}"` };
}
