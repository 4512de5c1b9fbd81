/** Test helper: an in-memory Storage for the drafts store, with a switch to act as a full one. */
import type { StorageLike } from './drafts.ts';

/** A Map-backed Storage; `full` makes every write throw as a browser at its quota does. */
export class FakeStorage implements StorageLike {
  readonly data = new Map<string, string>();
  full = false;
  get length(): number {
    return this.data.size;
  }
  key(i: number): string | null {
    return [...this.data.keys()][i] ?? null;
  }
  getItem(k: string): string | null {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    if (this.full) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    this.data.set(k, v);
  }
  removeItem(k: string): void {
    this.data.delete(k);
  }
}
