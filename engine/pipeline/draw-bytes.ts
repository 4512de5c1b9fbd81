/**
 * Keyed random bytes for plugins: one host call where the host offers `drawBytes` (the simulation,
 * through core/rng.ts `keyedBytes`), otherwise one `draw` per byte. Both give the same bytes.
 */
import type { PluginHost } from './types.ts';

/** Fills `into[i]` with `Math.floor(host.draw(purpose, key, i) * 256)` for every i. */
export function drawBytes(host: PluginHost, purpose: string, key: string, into: Uint8Array): void {
  if (host.drawBytes) return host.drawBytes(purpose, key, into);
  drawBytesOneByOne(host, purpose, key, into);
}

/** The definition: one keyed draw per byte, its top 8 bits. */
export function drawBytesOneByOne(host: PluginHost, purpose: string, key: string, into: Uint8Array): void {
  for (let i = 0; i < into.length; i++) into[i] = Math.floor(host.draw(purpose, key, i) * 256) & 0xff;
}
