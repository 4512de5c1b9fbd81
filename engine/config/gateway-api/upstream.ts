/**
 * What the Gateway API adapter knows about a backend Service beyond its name: its hosts (the ready
 * EndpointSlice endpoints, or the one cluster-DNS name kube-proxy balances behind) and the upstream
 * policy Envoy Gateway would give it — LeastRequest (its default balancer) when there are pods to
 * balance, and the timeouts and retry of the HTTPRoute rules that send to it.
 *
 * Timeouts and retry belong to a route rule in the Gateway API but to the service in gatelab's IR
 * (ServiceIR.policy). The first rule that sends to a service decides; a later rule that says something
 * else for the same service is warned about at its own timeouts/retry, and its settings are not used.
 */
import type { TargetIR } from '../ir.ts';
import type { EndpointSlices } from '../k8s/endpoint-slices.ts';
import type { RetryPolicyIR, UpstreamPolicyIR } from '../../upstream/policy.ts';
import type { BackendKey, BackendResolver } from './backends.ts';
import type { AdaptContext, K8sObject } from './context.ts';
import type { RuleResilience } from './resilience.ts';
import type { RouteModel, RuleModel } from './routes.ts';

/** Envoy Gateway: 10 s to connect; Envoy's route timeout of 15 s when a rule sets no request timeout. */
export const CONNECT_TIMEOUT_MS = 10_000;
export const ROUTE_TIMEOUT_MS = 15_000;
/** Envoy Gateway's retry defaults: 2 retries (its NumRetries default), Envoy's 25 ms backoff base, max 10 × base. */
const DEFAULT_ATTEMPTS = 2;
const DEFAULT_BACKOFF_MS = 25;

interface Claim {
  owner: string;
  resilience: RuleResilience;
}

export class UpstreamBuilder {
  private readonly claims = new Map<string, Claim>();
  private readonly sliced = new Set<string>();

  constructor(
    private readonly resolver: BackendResolver,
    private readonly slices: EndpointSlices<K8sObject>,
  ) {}

  /** The targets of one Service port: its ready pods when slices name it, else its DNS name. */
  targets(ctx: AdaptContext, id: string, key: BackendKey, host: string): TargetIR[] {
    // An ExternalName Service has no endpoints of its own: Envoy resolves the external name.
    if (key.externalName === undefined) {
      const port = this.resolver.servicePort(key);
      const found = this.slices.targets({
        namespace: key.namespace,
        service: key.name,
        port: key.port,
        ...(port ? { portName: port.name } : {}),
        ...(port?.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
      });
      if (found.kind === 'endpoints') {
        this.sliced.add(id);
        const first = found.slices[0];
        if (found.targets.length === 0 && first) {
          ctx.warn(first, ['endpoints'], 'GL_W_NO_EFFECT', `Service ${key.namespace}/${key.name} port ${key.port} has ${found.summary}: requests to it get 503 no healthy upstream`, 'a pod gets traffic only while its conditions.ready is true or unset');
        }
        return found.targets;
      }
    }
    return [{ host, port: key.port, weight: 1 }];
  }

  /** Records that `rule` sends to the service `id`; warns when an earlier rule gave it other settings. */
  claim(ctx: AdaptContext, id: string, serviceName: string, route: RouteModel, rule: RuleModel): void {
    const owner = `${route.key} rule ${rule.index}`;
    const prev = this.claims.get(id);
    if (!prev) {
      this.claims.set(id, { owner, resilience: rule.resilience });
      return;
    }
    if (prev.owner === owner || same(prev.resilience, rule.resilience)) return;
    const r = rule.resilience;
    const at = r.timeouts?.at ?? r.retry?.at ?? ['spec', 'rules', rule.index];
    ctx.warn(
      route.obj,
      at,
      'GL_W_NO_EFFECT',
      `${owner} sends to ${serviceName} with ${describeResilience(r)}, but ${prev.owner} already set ${describeResilience(prev.resilience)} for it; gatelab keeps one upstream policy per service, so the first applies to both rules`,
      'give every rule that sends to this Service the same timeouts and retry; Envoy Gateway applies them per rule',
    );
  }

  /** The service's policy, or undefined when Envoy Gateway would use nothing beyond its defaults. */
  policy(id: string): UpstreamPolicyIR | undefined {
    const out: UpstreamPolicyIR = {};
    // With one DNS target there is nothing to balance; with pods, Envoy Gateway's default LeastRequest.
    if (this.sliced.has(id)) out.balancer = { kind: 'least-request', choiceCount: 2, activeRequestBias: 1 };
    const claim = this.claims.get(id);
    const r = claim?.resilience;
    if (claim && r && (r.timeouts || r.retry)) {
      out.timeouts = {
        connectMs: CONNECT_TIMEOUT_MS,
        perTryMs: r.timeouts?.backendRequestMs ?? 0,
        overallMs: r.timeouts?.requestMs ?? ROUTE_TIMEOUT_MS,
        flavour: 'generic',
      };
      const retry = retryPolicy(r);
      if (retry) out.retry = retry;
      out.origin = `HTTPRoute ${claim.owner}`;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
}

/** GEP-1731 → a retry policy; attempts: 0 means no retry at all ("An explicit zero value MUST disable retries"). */
function retryPolicy(r: RuleResilience): RetryPolicyIR | undefined {
  if (!r.retry || r.retry.attempts === 0) return undefined;
  const baseMs = r.retry.backoffMs ?? DEFAULT_BACKOFF_MS;
  return {
    numRetries: r.retry.attempts ?? DEFAULT_ATTEMPTS,
    // The spec: implementations SHOULD retry when the connection could not be established.
    retryOn: r.retry.codes.length > 0 ? ['connect-failure', 'retriable-status-codes'] : ['connect-failure'],
    retriableStatusCodes: [...r.retry.codes],
    methods: [],
    otherHost: true,
    backoff: { kind: 'envoy-jitter', baseMs, maxMs: baseMs * 10 },
    flavour: 'gateway-api',
  };
}

function same(a: RuleResilience, b: RuleResilience): boolean {
  const plain = (r: RuleResilience): string =>
    JSON.stringify({
      t: r.timeouts ? [r.timeouts.requestMs, r.timeouts.backendRequestMs] : null,
      r: r.retry ? [r.retry.attempts, r.retry.codes, r.retry.backoffMs] : null,
    });
  return plain(a) === plain(b);
}

function describeResilience(r: RuleResilience): string {
  const parts: string[] = [];
  if (r.timeouts) parts.push(`timeouts request ${ms(r.timeouts.requestMs)}, backendRequest ${ms(r.timeouts.backendRequestMs)}`);
  if (r.retry) parts.push(`retry attempts ${r.retry.attempts ?? 'unset'}, codes [${r.retry.codes.join(', ')}], backoff ${ms(r.retry.backoffMs)}`);
  return parts.length > 0 ? parts.join(' and ') : 'no timeouts or retry';
}

function ms(v: number | undefined): string {
  if (v === undefined) return 'unset';
  if (v === 0) return 'off (0s)';
  return v % 1000 === 0 ? `${v / 1000} s` : `${v} ms`;
}
