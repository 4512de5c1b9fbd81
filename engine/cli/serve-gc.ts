/**
 * V8 settings `gatelab serve` applies to itself before it builds the proxy.
 *
 * Allocation-site pretenuring is off. V8 watches where objects are allocated and, when almost all of
 * one site's objects survive a scavenge, allocates that site's objects straight in old space. A
 * proxy's request objects live a few milliseconds, but a scavenge that catches a few hundred of them
 * in flight (start-up, warm-up, a burst) makes their sites look long-lived. From then on every
 * request's context lands in old space, dies there, and until the next full collection its pointers
 * keep the young objects it refers to (headers, closures, undici's request) alive through every
 * scavenge. Measured at 250 req/s open loop (--trace-gc-nvp, bench Kong config): 1.8 MB survived
 * and 1.9 MB promoted per scavenge with V8's default, 41 KB and 19 KB without pretenuring; scavenge
 * pauses and the full collections that cleared the promoted garbage went with it.
 */
import { setFlagsFromString } from 'node:v8';

/** Set to 1 to keep V8's default (pretenuring on), e.g. to compare the two in a benchmark. */
export const KEEP_PRETENURING_ENV = 'GATELAB_SERVE_V8_PRETENURING';

/** Applies the settings unless `keep` (the variable above) says not to; returns the V8 flags it set. */
export function tuneGcForServing(keep: string | undefined, setFlags: (flags: string) => void = setFlagsFromString): string[] {
  if (keep === '1') return [];
  const flags = ['--no-allocation-site-pretenuring'];
  for (const f of flags) setFlags(f);
  return flags;
}
