/**
 * The three SHA-256 implementations the trace hash can run on, all fed the same UTF-8 bytes, so they
 * give the same digest (docs/adr/0001, docs/adr/0002):
 *
 * - `native`: Node's crypto module, reached through process.getBuiltinModule (no static import of a
 *   Node built-in, so the browser bundle and the lint rule stay clean). The fastest; used whenever it exists.
 * - `wasm`: hash-wasm's SHA-256, once `prepareTraceHash()` has loaded it (its set-up is asynchronous,
 *   its `update` and `digest` are synchronous). What the lab's worker uses.
 * - `noble`: @noble/hashes, pure JavaScript, always available: the fallback when nothing was prepared.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export type Sha256BackendName = 'native' | 'wasm' | 'noble';

/** An incremental SHA-256 over bytes. `update` must not keep a reference to `bytes` (callers reuse it). */
export interface ByteHash {
  update(bytes: Uint8Array): void;
  hex(): string;
}

interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(encoding: 'hex'): string;
}
type CreateNodeHash = (algorithm: 'sha256') => NodeHash;

const nativeCreateHash: CreateNodeHash | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    const crypto = proc.getBuiltinModule('node:crypto') as { createHash?: CreateNodeHash } | undefined;
    return typeof crypto?.createHash === 'function' ? crypto.createHash : undefined;
  } catch {
    return undefined;
  }
})();

/** The slice of hash-wasm's IHasher used here. */
interface WasmHasher {
  init(): unknown;
  update(data: Uint8Array): unknown;
  digest(outputType: 'hex'): string;
  save(): Uint8Array;
  load(state: Uint8Array): unknown;
}

/**
 * hash-wasm creates an instance asynchronously, but a TraceHasher is created synchronously, in the
 * middle of a run. So one instance is shared: whoever feeds it last owns its state, and a switch of
 * owner saves the old owner's state (a few hundred bytes) and loads the new one's. Runs in one worker
 * rarely interleave, so switches are rare.
 */
class SharedWasmSha256 {
  private owner: WasmByteHash | undefined;

  constructor(private readonly hasher: WasmHasher) {}

  update(who: WasmByteHash, bytes: Uint8Array): void {
    this.claim(who);
    this.hasher.update(bytes);
  }

  hex(who: WasmByteHash): string {
    this.claim(who);
    this.owner = undefined;
    return this.hasher.digest('hex');
  }

  private claim(who: WasmByteHash): void {
    if (this.owner === who) return;
    if (this.owner !== undefined) this.owner.saved = this.hasher.save();
    if (who.saved === undefined) this.hasher.init();
    else this.hasher.load(who.saved);
    who.saved = undefined;
    this.owner = who;
  }
}

class WasmByteHash implements ByteHash {
  /** This hash's state while another one owns the shared instance. */
  saved: Uint8Array | undefined;

  constructor(private readonly shared: SharedWasmSha256) {}

  update(bytes: Uint8Array): void {
    this.shared.update(this, bytes);
  }

  hex(): string {
    return this.shared.hex(this);
  }
}

let sharedWasm: SharedWasmSha256 | undefined;
let preparing: Promise<void> | undefined;

/**
 * Loads hash-wasm's SHA-256 where Node's native one is missing (the browser's worker). Safe to call
 * many times (one load); never rejects: if WebAssembly is unavailable the pure-JS hash stays in use.
 */
export function prepareTraceHash(): Promise<void> {
  if (nativeCreateHash !== undefined) return Promise.resolve();
  preparing ??= loadWasmSha256().then(
    (hasher) => void (sharedWasm = new SharedWasmSha256(hasher)),
    () => undefined,
  );
  return preparing;
}

async function loadWasmSha256(): Promise<WasmHasher> {
  // Loaded on demand: the CLI never needs it, and the lab's first chunk stays smaller.
  const { createSHA256 } = await import('hash-wasm');
  return createSHA256();
}

/** For tests and the bench: load the wasm backend even in Node, where it is not used by default. */
export async function createWasmByteHashFactory(): Promise<() => ByteHash> {
  const shared = new SharedWasmSha256(await loadWasmSha256());
  return () => new WasmByteHash(shared);
}

export function createNativeByteHash(): ByteHash | undefined {
  if (nativeCreateHash === undefined) return undefined;
  const h = nativeCreateHash('sha256');
  return { update: (bytes) => void h.update(bytes), hex: () => h.digest('hex') };
}

export function createNobleByteHash(): ByteHash {
  const h = sha256.create();
  return { update: (bytes) => void h.update(bytes), hex: () => bytesToHex(h.digest()) };
}

/** Which backend a new trace hash uses now: native, else the prepared wasm one, else noble. */
export function activeSha256Backend(): Sha256BackendName {
  if (nativeCreateHash !== undefined) return 'native';
  return sharedWasm !== undefined ? 'wasm' : 'noble';
}

export function createByteHash(): ByteHash {
  const native = createNativeByteHash();
  if (native !== undefined) return native;
  if (sharedWasm !== undefined) return new WasmByteHash(sharedWasm);
  return createNobleByteHash();
}
