/**
 * HTTP header fields as a case-insensitive multi-map that keeps arrival order and the sender's
 * spelling: what a backend "sees" is this list, in order. Lower-cased names are kept beside the
 * originals so a lookup lower-cases only the name asked for — every request touches headers often.
 */
export type HeaderInit = HeaderMap | Record<string, string | string[]> | Array<[string, string]>;

export class HeaderMap {
  private names_: string[] = [];
  private lowers: string[] = [];
  private values: string[] = [];

  constructor(init?: HeaderInit) {
    if (!init) return;
    if (init instanceof HeaderMap) {
      this.names_ = init.names_.slice();
      this.lowers = init.lowers.slice();
      this.values = init.values.slice();
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
    return this.lowers.includes(name.toLowerCase());
  }

  /** The first value, as most gateways read a single-valued header. */
  get(name: string): string | undefined {
    const at = this.lowers.indexOf(name.toLowerCase());
    return at < 0 ? undefined : this.values[at];
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.lowers.length; i++) if (this.lowers[i] === lower) out.push(this.values[i] as string);
    return out;
  }

  /** Replaces every value of the header with one value, keeping the first occurrence's position. */
  set(name: string, value: string): void {
    const lower = name.toLowerCase();
    const at = this.lowers.indexOf(lower);
    if (at < 0) {
      this.append(name, value);
      return;
    }
    this.names_[at] = name;
    this.values[at] = value;
    for (let i = this.lowers.length - 1; i > at; i--) if (this.lowers[i] === lower) this.removeAt(i);
  }

  append(name: string, value: string): void {
    this.names_.push(name);
    this.lowers.push(name.toLowerCase());
    this.values.push(value);
  }

  delete(name: string): boolean {
    const lower = name.toLowerCase();
    let removed = false;
    for (let i = this.lowers.length - 1; i >= 0; i--) {
      if (this.lowers[i] === lower) {
        this.removeAt(i);
        removed = true;
      }
    }
    return removed;
  }

  /** Distinct lower-case names, in first-seen order. */
  names(): string[] {
    const out: string[] = [];
    for (const lower of this.lowers) if (!out.includes(lower)) out.push(lower);
    return out;
  }

  /** How many header lines (a repeated header counts once per line). */
  get size(): number {
    return this.names_.length;
  }

  /** The i-th line's name as sent, its lower-case form and its value: a walk without list()'s pairs. */
  nameAt(i: number): string {
    return this.names_[i] as string;
  }

  lowerAt(i: number): string {
    return this.lowers[i] as string;
  }

  valueAt(i: number): string {
    return this.values[i] as string;
  }

  list(): Array<[string, string]> {
    return this.names_.map((n, i) => [n, this.values[i] as string]);
  }

  /** Lower-case names; a repeated header becomes an array, as `explain --json` reports it. */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (let i = 0; i < this.lowers.length; i++) {
      const lower = this.lowers[i] as string;
      const v = this.values[i] as string;
      const prev = out[lower];
      if (prev === undefined) out[lower] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else out[lower] = [prev, v];
    }
    return out;
  }

  private removeAt(i: number): void {
    this.names_.splice(i, 1);
    this.lowers.splice(i, 1);
    this.values.splice(i, 1);
  }
}
