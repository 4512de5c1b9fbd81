/**
 * Writes a string's UTF-8 bytes into a byte array at an offset, for the trace hash's batch buffer.
 *
 * In Node it is the Buffer module's own `utf8Write` (reached through process.getBuiltinModule, as
 * sha256-backends.ts reaches crypto), which takes the offset: `TextEncoder.encodeInto` needs a
 * `subarray` view per call instead, a ≈ 100-byte object per trace event, and is a slower call
 * (≈ 185 vs 150 ns per event text in a microbenchmark). Elsewhere (the lab's worker) it is encodeInto.
 * Both write the same bytes: UTF-8, a lone surrogate as U+FFFD (utf8-write.test.ts checks it).
 * The caller guarantees room for 3 bytes per UTF-16 code unit, so neither writes a partial text.
 */

/** Writes `text` at `offset`; returns the number of bytes written. */
export type Utf8Writer = (text: string, into: Uint8Array, offset: number) => number;

type NodeUtf8Write = (this: Uint8Array, text: string, offset: number) => number;

const encoder = new TextEncoder();

export const encodeIntoWriter: Utf8Writer = (text, into, offset) => encoder.encodeInto(text, into.subarray(offset)).written;

function nodeUtf8Write(): NodeUtf8Write | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const mod = proc.getBuiltinModule('node:buffer') as { Buffer?: { prototype?: { utf8Write?: unknown } } } | undefined;
    const write = mod?.Buffer?.prototype?.utf8Write;
    return typeof write === 'function' ? (write as NodeUtf8Write) : undefined;
  } catch {
    return undefined;
  }
}

function makeNodeWriter(write: NodeUtf8Write): Utf8Writer {
  // Buffer's method runs on any Uint8Array: the batch buffer stays a plain one for every SHA-256 backend.
  return (text, into, offset) => write.call(into, text, offset);
}

const nativeWrite = nodeUtf8Write();

/** Node's writer when it exists (undefined elsewhere); exported for the tests. */
export const nodeUtf8Writer: Utf8Writer | undefined = nativeWrite === undefined ? undefined : makeNodeWriter(nativeWrite);

/** The writer the trace hash uses here. */
export const utf8Write: Utf8Writer = nodeUtf8Writer ?? encodeIntoWriter;
