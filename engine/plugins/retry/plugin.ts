/**
 * `retry` — Traefik's retry middleware. Traefik retries by re-running everything after the middleware
 * (later middlewares and the service); gatelab hands the policy to the upstream stage, which re-sends
 * the request to a host not tried yet, waiting Traefik's exponential backoff in between, and before
 * each retry has the plugins listed after this one run again (pipeline/retry-rerun.ts). By default
 * only network errors before anything was written (a failed dial) are retried, whatever the method;
 * an HTTP 500 is an answer, retried only when `status` lists it (v3.6+), and then not for a
 * non-idempotent method unless `retryNonIdempotentMethod`.
 */
import { next, type PluginDefinition, type PluginHooks } from '../../pipeline/types.ts';
import type { RetryPolicyIR } from '../../upstream/policy.ts';
import { parseRetryConfig, type RetryConfig } from './config.ts';

export const RETRY_ID = 'retry';
/** Declared order applies in Traefik; in a priority-ordered chain it must run before the proxy, like any access plugin. */
export const RETRY_PRIORITY = 5;

export function createRetryHooks(config: RetryConfig): PluginHooks {
  return {
    access(ctx, host) {
      ctx.retryPolicy = config.policy;
      // retry.go starts its timeout clock here, before the first attempt runs what comes after it; a
      // re-run of this middleware (an outer retry's next attempt) starts it afresh, as a new ServeHTTP does.
      if (config.policy.timeoutMs !== undefined) retryStarts(ctx).set(config.policy, host.now());
      return next(`${config.summary}: the upstream stage will retry failed tries`, {
        attempts: config.policy.numRetries + 1,
        statuses: config.policy.retriableStatusCodes.length,
      });
    },
  };
}

/** When each retry policy of this request began its attempts (host time), for its `timeout`. */
export function retryStarts(ctx: { vars: Record<string, unknown> }): Map<RetryPolicyIR, number> {
  let starts = ctx.vars[RETRY_STARTS] as Map<RetryPolicyIR, number> | undefined;
  if (!starts) ctx.vars[RETRY_STARTS] = starts = new Map();
  return starts;
}

const RETRY_STARTS = 'retry:starts';

export const retryPlugin: PluginDefinition<RetryConfig> = {
  id: RETRY_ID,
  priority: RETRY_PRIORITY,
  parse: parseRetryConfig,
  create: (config) => createRetryHooks(config),
};
