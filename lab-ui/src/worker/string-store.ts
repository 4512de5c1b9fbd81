/**
 * The per-batch bookkeeping that the two column writers (trace-jsonl.ts, compact-columns.ts) share:
 * id columns that grow as a run's string table does, and a batch's new strings turned into bytes in
 * one go. Both run once per batch, never per event.
 */
const utf8 = new TextEncoder();

/** `a`, or a copy of it doubled until `n` entries fit (the new entries zero). */
export function grownTo<T extends Int32Array | Int16Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  let size = a.length;
  while (size < n) size *= 2;
  const next = new (a.constructor as new (length: number) => T)(size);
  next.set(a);
  return next;
}

/**
 * Writes `JSON.stringify(fresh)` as UTF-8 at `used` in `bytes` (grown when it may not fit: a UTF-16
 * unit is at most 3 bytes) and returns the array now holding them and where they end. One
 * `JSON.stringify` and one `encodeInto` for the whole list: a call per string costs ≈ 1 µs in
 * Chromium. Each string is then its JSON text between the list's '[', ',' and ']'.
 */
export function encodeStringList(bytes: Uint8Array, used: number, fresh: readonly string[]): { bytes: Uint8Array; end: number } {
  const text = JSON.stringify(fresh);
  let m = bytes;
  if (used + text.length * 3 > m.length) {
    m = new Uint8Array(Math.max(m.length * 2, used + text.length * 3));
    m.set(bytes.subarray(0, used));
  }
  return { bytes: m, end: used + utf8.encodeInto(text, m.subarray(used)).written };
}
