/**
 * htpasswd hashes as Traefik's basicAuth checks them: goauth.CheckSecret of the containous fork of
 * abbot/go-http-auth (basic.go `compareFuncs`, md5crypt.go `MD5Crypt`) that Traefik's go.mod pins.
 *
 * - `$2a$` `$2b$` `$2x$` `$2y$` → bcrypt (golang.org/x/crypto/bcrypt takes any minor letter; bcryptjs
 *   knows a/b/y only, so the prefix is rewritten to `$2b$`, which computes the same thing).
 * - `{SHA}` → base64 of SHA-1 of the password.
 * - anything else → MD5-crypt with the text between the first two `$` as magic: `$apr1$` (Apache)
 *   and `$1$` (crypt(3) MD5) match; plain text, DES crypt, `$5$`/`$6$` SHA-crypt never do.
 */
import { bcryptCompare } from './bcrypt-provider.ts';
import { md5, sha1 } from '@noble/hashes/legacy.js';

export type HashKind = 'bcrypt' | 'apr1' | 'md5-crypt' | 'sha1' | 'unsupported';

const BCRYPT = /^\$2[abxy]\$/;

/** Which comparison goauth picks for a stored secret, by its prefix (first match wins). */
export function hashKind(secret: string): HashKind {
  if (secret.startsWith('{SHA}')) return 'sha1';
  if (BCRYPT.test(secret)) return 'bcrypt';
  if (secret.startsWith('$apr1$') && secret.split('$').length === 4) return 'apr1';
  if (secret.startsWith('$1$') && secret.split('$').length === 4) return 'md5-crypt';
  return 'unsupported';
}

/** Words for the trace: what a stored secret that never matches looks like. */
export function unsupportedWhy(secret: string): string {
  if (/^\$[56]\$/.test(secret)) return 'a SHA-crypt hash ($5$/$6$), which this goauth version does not know';
  if (!secret.startsWith('$')) return 'plain text or DES crypt, which goauth compares as MD5-crypt and never matches';
  return 'a hash format goauth does not know';
}

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SWAPS = [12, 6, 0, 13, 7, 1, 14, 8, 2, 15, 9, 3, 5, 10, 4, 11];
const enc = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** goauth's MD5Crypt(password, salt, magic): the salt is used whole, as the fork does (no 8-byte cut). */
export function md5Crypt(password: string, salt: string, magic: string): string {
  const pw = enc.encode(password);
  const s = enc.encode(salt);
  const mixin = md5(concat(pw, s, pw));
  const parts: Uint8Array[] = [pw, enc.encode(magic), s];
  for (let i = 0; i < pw.length; i++) parts.push(Uint8Array.of(mixin[i % 16] as number));
  for (let i = pw.length; i !== 0; i >>= 1) parts.push(Uint8Array.of((i & 1) === 0 ? (pw[0] as number) : 0));
  let final = md5(concat(...parts));
  for (let i = 0; i < 1000; i++) {
    const round: Uint8Array[] = [(i & 1) === 0 ? final : pw];
    if (i % 3 !== 0) round.push(s);
    if (i % 7 !== 0) round.push(pw);
    round.push((i & 1) === 0 ? pw : final);
    final = md5(concat(...round));
  }
  let out = '';
  let v = 0;
  let bits = 0;
  for (const i of SWAPS) {
    v |= (final[i] as number) << bits;
    for (bits += 8; bits > 6; bits -= 6) {
      out += ITOA64[v & 0x3f];
      v >>>= 6;
    }
  }
  out += ITOA64[v & 0x3f];
  return `${magic}${salt}$${out}`;
}

function sha1Base64(password: string): string {
  const d = sha1(enc.encode(password));
  let bin = '';
  for (const b of d) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** goauth.CheckSecret: does the password match the stored htpasswd secret? */
export function checkSecret(password: string, secret: string): boolean {
  const kind = hashKind(secret);
  if (kind === 'sha1') return sha1Base64(password) === secret.slice(5);
  if (kind === 'bcrypt') {
    const compare = bcryptCompare();
    // Only a Traefik config carries these, and its adapter provides bcrypt; a realm without it says so at load.
    if (compare === undefined) return false;
    try {
      return compare(password, `$2b$${secret.slice(4)}`);
    } catch {
      // A malformed bcrypt string: Go's bcrypt returns an error, goauth a mismatch.
      return false;
    }
  }
  const parts = secret.split('$');
  if (parts.length !== 4) return false;
  return md5Crypt(password, parts[2] as string, `$${parts[1] as string}$`) === secret;
}

/**
 * One plugin instance's verdicts, keyed by (secret, password). Real Traefik pays bcrypt's cost on
 * every request (its singleflight only merges identical requests in flight at the same moment); a
 * simulation of thousands of requests would spend minutes on it, so gatelab decides each pair once.
 */
export class SecretCache {
  private readonly verdicts = new Map<string, boolean>();
  /** How many real hash computations ran (tests check the memo holds). */
  computed = 0;

  check(password: string, secret: string): boolean {
    const key = `${secret}\u0000${password}`;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    this.computed++;
    const verdict = checkSecret(password, secret);
    // Bounded, so a flood of wrong passwords cannot grow the memo without end.
    if (this.verdicts.size >= 4096) this.verdicts.clear();
    this.verdicts.set(key, verdict);
    return verdict;
  }
}
