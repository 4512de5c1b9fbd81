/**
 * HTTP header fields as a case-insensitive multi-map that keeps arrival order and the sender's
 * spelling: what a backend "sees" is this list, in order. Lower-cased names are kept beside the
 * originals so a lookup lower-cases only the name asked for — every request touches headers often.
 *
 * Storage is one flat array of (name, lower-case name, value) triples, and a clone shares it until
 * either side writes (copy on write): a request's headers are cloned several times (the upstream
 * request starts as the client's, plugins snapshot them) and most clones are only read.
 */
export type HeaderInit = HeaderMap | Record<string, string | string[]> | Array<[string, string]>;

/** Slots per header line in the flat array: name as sent, lower-case name, value. */
const STRIDE = 3;

/** Lower-case forms of the names seen so far, bounded so hostile traffic cannot grow it without end. */
const LOWER_CACHE = new Map<string, string>();
const LOWER_CACHE_LIMIT = 1024;

/**
 * `name.toLowerCase()`, remembered: the same few names (plugins' constants, common request headers)
 * are lower-cased on every request, and each call on a mixed-case name allocates a new string.
 */
export function lowerHeaderName(name: string): string {
  let lower = LOWER_CACHE.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (LOWER_CACHE.size < LOWER_CACHE_LIMIT) LOWER_CACHE.set(name, lower);
  }
  return lower;
}

export class HeaderMap {
  private lines: string[] = [];
  /** True while `lines` may also belong to a clone (or the map it was cloned from): copy before writing. */
  private shared = false;

  constructor(init?: HeaderInit) {
    if (!init) return;
    if (init instanceof HeaderMap) {
      this.lines = init.lines;
      this.shared = true;
      init.shared = true;
    } else if (Array.isArray(init)) {
      for (const [n, v] of init) this.append(n, v);
    } else {
      for (const [n, v] of Object.entries(init)) {
        if (Array.isArray(v)) for (const one of v) this.append(n, one);
        else this.append(n, v);
      }
    }
  }

  clone(): HeaderMap {
    return new HeaderMap(this);
  }

  has(name: string): boolean {
    return this.indexOfLower(lowerHeaderName(name), 0) >= 0;
  }

  /** The first value, as most gateways read a single-valued header. */
  get(name: string): string | undefined {
    const at = this.indexOfLower(lowerHeaderName(name), 0);
    return at < 0 ? undefined : this.lines[at + 2];
  }

  getAll(name: string): string[] {
    const lower = lowerHeaderName(name);
    const lines = this.lines;
    const out: string[] = [];
    for (let i = 1; i < lines.length; i += STRIDE) if (lines[i] === lower) out.push(lines[i + 1] as string);
    return out;
  }

  /** How many lines carry this header: getAll(name).length without building the array. */
  count(name: string): number {
    const lower = lowerHeaderName(name);
    const lines = this.lines;
    let n = 0;
    for (let i = 1; i < lines.length; i += STRIDE) if (lines[i] === lower) n++;
    return n;
  }

  /** Replaces every value of the header with one value, keeping the first occurrence's position. */
  set(name: string, value: string): void {
    const lower = lowerHeaderName(name);
    const at = this.indexOfLower(lower, 0);
    if (at < 0) {
      this.appendLine(name, lower, value);
      return;
    }
    const lines = this.writable();
    lines[at] = name;
    lines[at + 2] = value;
    if (this.indexOfLower(lower, at + STRIDE) >= 0) this.removeAll(lower, at + STRIDE);
  }

  append(name: string, value: string): void {
    this.appendLine(name, lowerHeaderName(name), value);
  }

  delete(name: string): boolean {
    const lower = lowerHeaderName(name);
    // Reading first: a clone that has nothing to delete stays shared.
    if (this.indexOfLower(lower, 0) < 0) return false;
    this.removeAll(lower, 0);
    return true;
  }

  /** Distinct lower-case names, in first-seen order. */
  names(): string[] {
    const lines = this.lines;
    const out: string[] = [];
    for (let i = 1; i < lines.length; i += STRIDE) {
      const lower = lines[i] as string;
      if (!out.includes(lower)) out.push(lower);
    }
    return out;
  }

  /** How many header lines (a repeated header counts once per line). */
  get size(): number {
    return this.lines.length / STRIDE;
  }

  /** The i-th line's name as sent, its lower-case form and its value: a walk without list()'s pairs. */
  nameAt(i: number): string {
    return this.lines[i * STRIDE] as string;
  }

  lowerAt(i: number): string {
    return this.lines[i * STRIDE + 1] as string;
  }

  valueAt(i: number): string {
    return this.lines[i * STRIDE + 2] as string;
  }

  list(): Array<[string, string]> {
    const lines = this.lines;
    const out: Array<[string, string]> = [];
    for (let i = 0; i < lines.length; i += STRIDE) out.push([lines[i] as string, lines[i + 2] as string]);
    return out;
  }

  /** Lower-case names; a repeated header becomes an array, as `explain --json` reports it. */
  toJSON(): Record<string, string | string[]> {
    const lines = this.lines;
    const out: Record<string, string | string[]> = {};
    for (let i = 1; i < lines.length; i += STRIDE) {
      const lower = lines[i] as string;
      const v = lines[i + 1] as string;
      const prev = out[lower];
      if (prev === undefined) out[lower] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[lower] = [prev, v];
    }
    return out;
  }

  /** Appends a line whose lower-case name the caller already has (a walk over another map's lines). */
  appendLine(name: string, lower: string, value: string): void {
    const lines = this.writable();
    lines.push(name, lower, value);
  }

  /** Offset of the first triple at or after `from` whose lower-case name is `lower`, or -1. */
  private indexOfLower(lower: string, from: number): number {
    const lines = this.lines;
    for (let i = from + 1; i < lines.length; i += STRIDE) if (lines[i] === lower) return i - 1;
    return -1;
  }

  /** Removes every line named `lower` at or after offset `from`, keeping the others in order. */
  private removeAll(lower: string, from: number): void {
    const lines = this.writable();
    let kept = from;
    for (let i = from; i < lines.length; i += STRIDE) {
      if (lines[i + 1] === lower) continue;
      if (kept !== i) {
        lines[kept] = lines[i] as string;
        lines[kept + 1] = lines[i + 1] as string;
        lines[kept + 2] = lines[i + 2] as string;
      }
      kept += STRIDE;
    }
    // pop() rather than `lines.length = kept`: the length setter takes V8's slow path and trims the
    // backing store (≈ 2 % of the war story's profile, as headers lose a line on most requests).
    while (lines.length > kept) lines.pop();
  }

  /** The lines, copied first if a clone may still read them. */
  private writable(): string[] {
    if (this.shared) {
      this.lines = this.lines.slice();
      this.shared = false;
    }
    return this.lines;
  }
}
