/**
 * A key-auth credential's `ttl` (semantics §6): the credential lives `ttl` seconds from the instant
 * the config that declares it was loaded, then Kong no longer finds it, so the key is answered as an
 * unknown one.
 *
 * Kong (3.5+, kong/db/schema/others/declarative_config.lua `flatten`) stores a declarative entity's
 * ttl as an absolute second, the entity's created_at (stamped with the load instant when the file has
 * none) plus ttl; the DB-less strategy (kong/db/strategies/off/init.lua `process_ttl_field`) keeps
 * the entity only while `expiry - ngx.time() > 0`. ngx.time() counts whole seconds, so the load
 * second is truncated and the key is already gone AT the expiry second: valid while now < expiry.
 */
import type { CredentialEntry } from '../kit/credential-table.ts';

/** When a credential stops being found, worked out once per credential and config load. */
export interface Expiry {
  /** Epoch ms of the first instant the key is no longer valid (a whole second). */
  readonly atMs: number;
  readonly ttlS: number;
}

/**
 * The credential's expiry, or undefined when it has no ttl or the host gave no load instant
 * (PluginEnv.loadedAt; a host that never loaded a config, such as `explain`, has nothing to time from).
 */
export function expiryOf(entry: CredentialEntry, loadedAt: number | undefined): Expiry | undefined {
  const ttl = entry.credential.fields['ttl'];
  if (typeof ttl !== 'number' || ttl <= 0 || loadedAt === undefined) return undefined;
  return { atMs: (Math.floor(loadedAt / 1000) + ttl) * 1000, ttlS: ttl };
}

/** Expired at `nowMs`: the expiry second itself already counts (`expiry - now > 0` is what keeps it). */
export function isExpired(expiry: Expiry, nowMs: number): boolean {
  return nowMs >= expiry.atMs;
}
