/**
 * The upstream policy Kong runs for every service, written out in the IR (ServiceIR.policy) so the
 * upstream stage does what Kong does even when the file says nothing:
 *
 * - retries (default 5): kong/init.lua `Kong.balancer()` calls `set_more_tries(retries)` on the first
 *   try, and nginx decides which failures are retried with `proxy_next_upstream`, which Kong leaves at
 *   nginx's default `error timeout`: a refused or reset connection and a timeout are retried, an HTTP
 *   answer never is — not even a 502 or 503 (Kong docs, app/gateway/traffic-control/proxying.md,
 *   "Errors and retries"), and a POST, LOCK or PATCH is retried only if nothing of it was sent
 *   (nginx's non-idempotent rule, which Kong's template leaves on). No backoff; the balancer picks
 *   the next target (init.lua: `execute` again).
 * - connect_timeout / read_timeout (default 60000 ms): `set_timeouts` per try; Kong has no overall
 *   deadline across retries (proxy_next_upstream_timeout stays 0).
 * - the upstream's algorithm and health checks, when the service's host names an upstream.
 */
import type { UpstreamPolicyIR } from '../../upstream/policy.ts';
import { NOT_RETRIED_ONCE_SENT } from '../../upstream/retry.ts';
import type { UpstreamInfo } from './upstreams.ts';

export interface KongServiceKnobs {
  name: string;
  retries: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

export function kongServicePolicy(s: KongServiceKnobs, upstream: UpstreamInfo | undefined): UpstreamPolicyIR {
  const policy: UpstreamPolicyIR = {};
  if (upstream?.balancer) policy.balancer = upstream.balancer;
  if (upstream?.health.passiveHealth) policy.passiveHealth = upstream.health.passiveHealth;
  if (upstream?.health.activeHealth) policy.activeHealth = upstream.health.activeHealth;
  if (upstream?.health.healthyWeightThreshold !== undefined) policy.healthyWeightThreshold = upstream.health.healthyWeightThreshold;
  policy.retry = {
    numRetries: s.retries,
    retryOn: ['connect-failure', 'timeout', 'reset'],
    retriableStatusCodes: [],
    // nginx (≥ 1.9.13) does not pass a POST, LOCK or PATCH on once it was sent (request_sent); a
    // refused connection wrote nothing and is retried whatever the method (retry.ts requestWritten).
    methods: [],
    methodsNotRetried: [...NOT_RETRIED_ONCE_SENT],
    otherHost: true,
    backoff: { kind: 'none' },
    flavour: 'kong',
  };
  policy.timeouts = { connectMs: s.connectTimeoutMs, perTryMs: s.readTimeoutMs, overallMs: 0, flavour: 'generic' };
  policy.origin = upstream ? `Kong service "${s.name}" and upstream "${upstream.name}"` : `Kong service "${s.name}"`;
  return policy;
}
