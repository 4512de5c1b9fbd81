/** Samples the latency models a scenario declares. */
import type { Rng } from '../../core/rng.ts';
import type { LatencyModel } from '../../scenario/types.ts';

/** The 99th percentile of the standard normal, used to fit a log-normal from p50 and p99. */
const Z99 = 2.3263478740408408;

export function sampleLatency(model: LatencyModel, rng: Rng): number {
  switch (model.kind) {
    case 'constant':
      return model.ms;
    case 'uniform':
      return model.minMs + rng.next() * (model.maxMs - model.minMs);
    case 'normal':
      return Math.max(0, model.meanMs + rng.normal() * model.stddevMs);
    case 'lognormal': {
      if (model.p50Ms <= 0) return 0;
      const mu = Math.log(model.p50Ms);
      const sigma = Math.max(0, Math.log(model.p99Ms / model.p50Ms) / Z99);
      return Math.exp(mu + sigma * rng.normal());
    }
  }
}

export const ZERO_LATENCY: LatencyModel = { kind: 'constant', ms: 0 };
