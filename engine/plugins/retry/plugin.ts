/**
 * `retry` — Traefik's retry middleware. Traefik retries by re-running everything after the middleware
 * (later middlewares and the service); gatelab hands the policy to the upstream stage, which re-sends
 * the request to a host not tried yet, waiting Traefik's exponential backoff in between, and before
 * each retry has the plugins listed after this one run again (pipeline/retry-rerun.ts). By default
 * only network errors before anything was written (a failed dial) are retried, whatever the method;
 * an HTTP 500 is an answer, retried only when `status` lists it (v3.6+), and then not for a
 * non-idempotent method unless `retryNonIdempotentMethod`. For a request whose status retries apply,
 * the body is read and kept to send again, unless it is over `maxRequestBodyBytes` (body.ts).
 */
import { replaceReadStream } from '../../pipeline/read-body.ts';
import { next, reply, wait, type PluginDefinition, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import type { RetryPolicyIR } from '../../upstream/policy.ts';
import { bodyBytes, planBody } from './body.ts';
import { parseRetryConfig, type RetryConfig } from './config.ts';

export const RETRY_ID = 'retry';
/** Declared order applies in Traefik; in a priority-ordered chain it must run before the proxy, like any access plugin. */
export const RETRY_PRIORITY = 5;

export function createRetryHooks(config: RetryConfig): PluginHooks {
  /** Hands `policy` to the upstream stage; `tail` adds what the body rule decided, if anything. */
  const arm = (ctx: RequestContext, host: PluginHost, policy: RetryPolicyIR, tail = ''): Verdict => {
    ctx.retryPolicy = policy;
    // retry.go starts its timeout clock here, after reading the body and before the first attempt runs
    // what comes after it; a re-run of this middleware (an outer retry's next attempt) starts it afresh,
    // as a new ServeHTTP does.
    if (policy.timeoutMs !== undefined) retryStarts(ctx).set(policy, host.now());
    return next(`${config.summary}: the upstream stage will retry failed tries${tail}`, {
      attempts: policy.numRetries + 1,
      statuses: policy.retriableStatusCodes.length,
    });
  };
  const limit = `maxRequestBodyBytes ${config.maxRequestBodyBytes}`;
  const tooLarge = (bytes: string): string => {
    const left = config.bodyTooLargePolicy.retryOn.length > 0 ? 'only a network error before anything is written is retried' : 'nothing is retried';
    return `; but the request body is ${bytes}, over ${limit}: its status retries are off (Traefik keeps no copy to send again), ${left}`;
  };

  return {
    access(ctx, host) {
      const plan = planBody(config, ctx);
      if (plan.kind === 'untouched') return arm(ctx, host, config.policy);
      if (plan.kind === 'too-large') return arm(ctx, host, config.bodyTooLargePolicy, tooLarge(`${plan.bytes} bytes`));
      const read = { type: 'read-body' as const, purpose: 'retry body', maxBytes: plan.maxBytes, source: plan.source };
      const bound = config.maxRequestBodyBytes >= 0 ? `, at most ${limit} bytes` : ` (${limit}: any size)`;
      return wait(read, `reading the request body to send it again on a status retry${bound}`, (result) => {
        if (!result.ok) return reply(500, `retry: ${result.error} — 500, as Traefik answers a body it cannot read`, { headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], body: 'Internal Server Error\n' });
        if (result.bodyTooLarge) return arm(ctx, host, config.bodyTooLargePolicy, tooLarge(`more than ${config.maxRequestBodyBytes} bytes`));
        // The bytes read go upstream in the consumed stream's place, and every attempt sends them again.
        replaceReadStream(ctx, result);
        const bytes = bodyBytes(result.value, result.body);
        if (config.maxRequestBodyBytes >= 0 && bytes > config.maxRequestBodyBytes) return arm(ctx, host, config.bodyTooLargePolicy, tooLarge(`${bytes} bytes`));
        return arm(ctx, host, config.policy, `; the request body (${bytes} bytes) is kept to send again`);
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
