/**
 * bcrypt's compare, handed to the basic-auth plugin by the module that reads configs able to carry
 * bcrypt hashes: the Traefik adapter (engine/config/adapters/traefik.ts). The plugins chunk is part of
 * the lab's first load while each adapter is its own chunk, fetched only for a scenario in that dialect
 * (adapter-registry.ts); so bcryptjs (≈ 9 KB gzipped) travels with Traefik's adapter, not with every
 * page. Node entries import every adapter up front, so there it is always provided.
 */
export type BcryptCompare = (password: string, hash: string) => boolean;

let provided: BcryptCompare | undefined;

export function provideBcrypt(compare: BcryptCompare): void {
  provided = compare;
}

/** The compare, or undefined in a realm that never loaded the Traefik adapter. */
export function bcryptCompare(): BcryptCompare | undefined {
  return provided;
}
