/**
 * Turns a client's traffic declarations into send instants (ms from start), sorted. Deterministic
 * shapes (bursts, constant rates, ramps) use no randomness; Poisson arrivals draw from the client's
 * own stream so other clients are unaffected.
 */
import type { Rng } from '../../core/rng.ts';
import type { TrafficSpec } from '../../scenario/types.ts';

/** A safety bound: a typo like `rate: 1e9/s` must fail loudly rather than exhaust memory. */
export const MAX_ARRIVALS_PER_CLIENT = 5_000_000;

export function arrivals(specs: readonly TrafficSpec[], rng: Rng, durationMs: number): number[] {
  const out: number[] = [];
  const push = (t: number): void => {
    if (t < 0 || t > durationMs) return;
    if (out.length >= MAX_ARRIVALS_PER_CLIENT) {
      throw new Error(`more than ${MAX_ARRIVALS_PER_CLIENT} requests from one client; lower the rate or duration`);
    }
    out.push(t);
  };
  for (const spec of specs) {
    switch (spec.kind) {
      case 'burst':
        for (let i = 0; i < spec.count; i++) push(spec.atMs + i * spec.spacingMs);
        break;
      case 'list':
        for (const t of spec.atMs) push(t);
        break;
      case 'constant': {
        if (spec.rate <= 0) break;
        const gap = 1000 / spec.rate;
        for (let i = 0; ; i++) {
          const t = spec.fromMs + i * gap;
          if (t >= spec.toMs) break;
          push(t);
        }
        break;
      }
      case 'poisson': {
        if (spec.rate <= 0) break;
        const mean = 1000 / spec.rate;
        for (let t = spec.fromMs + rng.exponential(mean); t < spec.toMs; t += rng.exponential(mean)) push(t);
        break;
      }
      case 'ramp':
        rampArrivals(spec, push);
        break;
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * A linear ramp from startRate to endRate: the k-th request is sent when the expected count
 * ∫rate dt reaches k, solving s·x + (e−s)·x²/(2T) = k for x seconds into the ramp.
 */
function rampArrivals(spec: Extract<TrafficSpec, { kind: 'ramp' }>, push: (t: number) => void): void {
  const T = (spec.toMs - spec.fromMs) / 1000;
  if (T <= 0) return;
  const s = spec.startRate;
  const a = (spec.endRate - s) / (2 * T);
  const total = s * T + a * T * T;
  for (let k = 0; k < total; k++) {
    const x = Math.abs(a) < 1e-12 ? k / s : (-s + Math.sqrt(s * s + 4 * a * k)) / (2 * a);
    if (!Number.isFinite(x) || x >= T) break;
    push(spec.fromMs + x * 1000);
  }
}
