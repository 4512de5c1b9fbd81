/**
 * HTTP header fields as a case-insensitive multi-map that keeps arrival order and the sender's
 * spelling: what a backend "sees" is this list, in order.
 */
export type HeaderInit = HeaderMap | Record<string, string | string[]> | Array<[string, string]>;

export class HeaderMap {
  private entries: Array<[string, string]> = [];

  constructor(init?: HeaderInit) {
    if (!init) return;
    if (init instanceof HeaderMap) {
      this.entries = init.entries.map(([n, v]) => [n, v]);
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
    const lower = name.toLowerCase();
    return this.entries.some(([n]) => n.toLowerCase() === lower);
  }

  /** The first value, as most gateways read a single-valued header. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [n, v] of this.entries) if (n.toLowerCase() === lower) return v;
    return undefined;
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.entries.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  }

  /** Replaces every value of the header with one value, keeping the first occurrence's position. */
  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    const at = this.entries.findIndex(([n]) => n.toLowerCase() === lower);
    if (at < 0) {
      this.entries.push([name, value]);
      return;
    }
    this.entries = this.entries.filter(([n], i) => i === at || n.toLowerCase() !== lower);
    this.entries[at] = [name, value];
  }

  append(name: string, value: string): void {
    this.entries.push([name, value]);
  }

  delete(name: string): boolean {
    const lower = name.toLowerCase();
    const before = this.entries.length;
    this.entries = this.entries.filter(([n]) => n.toLowerCase() !== lower);
    return this.entries.length !== before;
  }

  names(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const [n] of this.entries) {
      const lower = n.toLowerCase();
      if (!seen.has(lower)) {
        seen.add(lower);
        out.push(lower);
      }
    }
    return out;
  }

  list(): Array<[string, string]> {
    return this.entries.map(([n, v]) => [n, v]);
  }

  /** Lower-case names; a repeated header becomes an array, as `explain --json` reports it. */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [n, v] of this.entries) {
      const lower = n.toLowerCase();
      const prev = out[lower];
      if (prev === undefined) out[lower] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[lower] = [prev, v];
    }
    return out;
  }
}
