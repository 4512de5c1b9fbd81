/**
 * Kong's registered-claim checks (jwt_parser.lua, semantics §6), synchronous against the host clock in
 * whole seconds (`ngx.time()`), with no leeway: exp is expired when exp <= now, nbf is early when
 * nbf > now, a non-number is "must be a number". Errors are keyed by claim, and that object is the
 * whole 401 body — no `message`.
 */
import type { VerifiableClaim } from './config.ts';

export type ClaimErrors = Record<string, string>;

const CHECKS: Record<VerifiableClaim, (value: number, nowS: number) => string | undefined> = {
  exp: (exp, now) => (exp <= now ? 'token expired' : undefined),
  nbf: (nbf, now) => (nbf > now ? 'token not valid yet' : undefined),
};

export function verifyRegisteredClaims(claims: Record<string, unknown>, toVerify: readonly VerifiableClaim[], nowS: number): ClaimErrors | undefined {
  const errors: ClaimErrors = {};
  for (const name of toVerify) {
    const value = claims[name];
    if (typeof value !== 'number') errors[name] = 'must be a number';
    else {
      const problem = CHECKS[name](value, nowS);
      if (problem) errors[name] = problem;
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** maximum_expiration: the token may not live longer than `max` seconds from now (a missing exp fails too). */
export function checkMaximumExpiration(claims: Record<string, unknown>, max: number, nowS: number): ClaimErrors | undefined {
  if (max <= 0) return undefined;
  const exp = claims['exp'];
  if (exp === undefined || (typeof exp === 'number' && exp - nowS > max)) return { exp: 'exceeds maximum allowed expiration' };
  return undefined;
}

/** "exp 1767225600 (2026-01-01T00:00:00Z) is 1 h before now": for reasons a student reads. */
export function describeInstant(seconds: number, nowS: number): string {
  const d = seconds - nowS;
  const abs = Math.abs(d);
  const span = abs >= 86400 ? `${Math.round(abs / 3600)} h` : abs >= 3600 ? `${(abs / 3600).toFixed(1)} h` : abs >= 60 ? `${Math.round(abs / 60)} min` : `${abs} s`;
  return d === 0 ? 'exactly now' : d < 0 ? `${span} ago` : `in ${span}`;
}
