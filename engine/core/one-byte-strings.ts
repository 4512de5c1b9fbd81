/**
 * Makes the strings of loaded data (a scenario, a gateway IR) one byte per character where they can be.
 *
 * Why: a file read as text that holds one non-Latin-1 character (an em dash in a comment, a `×` in
 * narration) is kept by V8 as two bytes per character, and every value the YAML parser slices out of
 * it stays two-byte, even `app` or `orders-api`. Strings built from them (request ids, reasons) are
 * two-byte too, and so is the JSON text of every trace event that holds one: JSON.stringify, the
 * UTF-8 encoding for the trace hash and the garbage collector all handle twice the bytes. On the war
 * story's events, one-byte strings made the hash's work per event ≈ 9 % cheaper and its allocation
 * 30 % smaller (docs/benchmarks.md, eighth pass). The characters, and so every trace byte, stay the
 * same: only V8's representation changes.
 */

/** Highest code unit a one-byte (Latin-1) string can hold. */
const MAX_ONE_BYTE = 0xff;
/** Characters copied per String.fromCharCode call: well under any engine's argument limit. */
const CHUNK = 4096;

/**
 * A copy of `s` that V8 stores one byte per character, or `s` itself when it holds a character above
 * U+00FF (then it must stay two-byte). Equal to `s` in every case.
 */
export function oneByteCopy(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  const codes: number[] = new Array<number>(Math.min(n, CHUNK));
  let out = '';
  for (let from = 0; from < n; from += CHUNK) {
    const end = Math.min(n, from + CHUNK);
    codes.length = end - from;
    for (let i = from; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c > MAX_ONE_BYTE) return s;
      codes[i - from] = c;
    }
    // fromCharCode builds a one-byte string when every code fits in a byte.
    out += String.fromCharCode(...codes);
  }
  return out;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces, in place, every string value held by plain objects and arrays reachable from `root` with
 * its one-byte copy (property names, Maps, class instances and frozen objects are left alone).
 * Returns `root`. Values stay equal, so no reader can tell, except by speed.
 */
export function oneByteStringsInPlace<T>(root: T): T {
  const seen = new Set<object>();
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number, value: unknown): void => {
    // Always written back: strings compare by content, so a copy cannot be told from the original.
    if (typeof value === 'string') (holder as Record<string | number, unknown>)[key] = oneByteCopy(value);
    else if (typeof value === 'object' && value !== null) walk(value);
  };
  const walk = (node: object): void => {
    if (seen.has(node) || Object.isFrozen(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node, i, node[i]);
    } else if (isPlainObject(node)) {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const d = Object.getOwnPropertyDescriptor(record, key);
        if (d && 'value' in d && d.writable === true) visit(record, key, d.value);
      }
    }
  };
  if (typeof root === 'object' && root !== null) walk(root);
  return root;
}
