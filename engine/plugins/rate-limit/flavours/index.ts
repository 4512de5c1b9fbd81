/** The hooks for a config that names an `algorithm` (every flavour but Kong's own rate-limiting). */
import type { PluginHooks } from '../../../pipeline/types.ts';
import type { AlgorithmConfig } from '../algorithm-config.ts';
import { createGcraHooks } from './gcra.ts';
import { createNginxLimitReqHooks } from './nginx-limit-req.ts';
import { createNginxLimitReqZonesHooks } from './nginx-limit-req-zones.ts';
import { createSlidingLogHooks } from './sliding-log.ts';
import { createSlidingWindowHooks } from './sliding-window.ts';
import { createTokenBucketHooks } from './token-bucket.ts';

export function createAlgorithmHooks(config: AlgorithmConfig): PluginHooks {
  switch (config.algorithm) {
    case 'sliding-window':
      return createSlidingWindowHooks(config);
    case 'sliding-log':
      return createSlidingLogHooks(config);
    case 'token-bucket':
      return createTokenBucketHooks(config);
    case 'nginx-limit-req':
      // Several limit_req lines must be decided together (semantics §2), so they share one instance.
      return config.also?.length ? createNginxLimitReqZonesHooks(config) : createNginxLimitReqHooks(config);
    case 'gcra':
      return createGcraHooks(config);
  }
}
