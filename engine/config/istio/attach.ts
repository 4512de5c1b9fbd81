/**
 * DestinationRules (GatewayIR.trafficPolicies) → the policy of the services they name. Istio matches a
 * rule to a service by host: the rule's spec.host, a short name resolved in the rule's namespace
 * (`catalog` in `shop` is catalog.shop.svc.cluster.local), a name with a dot taken as written, or a
 * wildcard (`*.shop.svc.cluster.local`, `*`). The exact host wins over a wildcard, a longer wildcard
 * over a shorter one; of two rules for the same host the first in the input is used (Istio keeps the
 * oldest rule's trafficPolicy). Port-level settings for the service's port replace the top-level ones.
 *
 * The rule's balancer (when it sets one), outlier detection and connection pool replace what the
 * adapter set; the adapter's retries and timeouts stay. A rule that matches no service is a warning at
 * its spec.host: the classic "my DestinationRule does nothing".
 */
import type { Diagnostic } from '../../core/errors.ts';
import type { GatewayIR, ServiceIR } from '../ir.ts';
import { policyFromRule } from './to-policy.ts';
import type { TrafficPolicyIR } from './types.ts';

/** Sets service.policy from the matching rules, in place; returns the same IR. */
export function attachTrafficPolicies(ir: GatewayIR, report: (d: Diagnostic) => void = () => {}): GatewayIR {
  const rules = ir.trafficPolicies ?? [];
  if (rules.length === 0) return ir;
  const used = new Set<TrafficPolicyIR>();
  /** Rules that cover a service but lose to a more specific (or earlier) one there. */
  const lostTo = new Map<TrafficPolicyIR, { winner: TrafficPolicyIR; service: string }>();
  for (const service of ir.services) {
    const [rule, ...others] = matching(rules, service.host);
    if (!rule) continue;
    used.add(rule);
    for (const other of others) if (!lostTo.has(other)) lostTo.set(other, { winner: rule, service: service.name });
    service.policy = merge(service, policyFromRule(rule, service.port));
  }
  for (const rule of rules) {
    if (used.has(rule)) continue;
    const lost = lostTo.get(rule);
    if (lost && lost.winner.fqdn === rule.fqdn) {
      warn(report, rule, `DestinationRule ${rule.name} names the same host as ${lost.winner.name} (${rule.fqdn}); Istio keeps the trafficPolicy of the oldest rule, so gatelab uses the first in the input and this one changes nothing`, 'keep one DestinationRule per host');
    } else if (lost) {
      warn(report, rule, `DestinationRule ${rule.name} (host "${rule.host}") covers ${lost.service}, but the more specific DestinationRule ${lost.winner.name} (${lost.winner.fqdn}) wins there, so this one changes nothing`, 'Istio applies only the most specific rule for a host; put these settings into that rule');
    } else {
      warn(report, rule, `DestinationRule ${rule.name} (host "${rule.host}"${rule.host !== rule.fqdn ? `, resolved as ${rule.fqdn}` : ''}) matches no service this gateway sends to, so it changes nothing`, hintFor(rule, ir.services));
    }
  }
  return ir;
}

/** The rules whose host covers `host`, most specific first (exact, then longer wildcards), input order on ties. */
function matching(rules: readonly TrafficPolicyIR[], host: string): TrafficPolicyIR[] {
  const h = host.toLowerCase();
  return rules
    .map((rule, i) => ({ rule, i, s: covers(rule.fqdn.toLowerCase(), h) ? specificity(rule.fqdn) : -1 }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.rule);
}

function covers(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** Exact hosts rank above every wildcard; longer wildcards above shorter ones. */
function specificity(fqdn: string): number {
  return fqdn.startsWith('*') ? fqdn.length : 1_000_000;
}

function merge(service: ServiceIR, fromRule: ReturnType<typeof policyFromRule>): ServiceIR['policy'] {
  const base = service.policy ?? {};
  return {
    ...base,
    ...(fromRule.balancer ? { balancer: fromRule.balancer } : {}),
    ...(fromRule.outlierDetection ? { outlierDetection: fromRule.outlierDetection } : {}),
    ...(fromRule.connectionPool ? { connectionPool: fromRule.connectionPool } : {}),
    origin: base.origin ? `${base.origin} + ${fromRule.origin}` : fromRule.origin,
  };
}

function hintFor(rule: TrafficPolicyIR, services: readonly ServiceIR[]): string {
  const hosts = [...new Set(services.map((s) => s.host))];
  const short = rule.host.split('.')[0] ?? rule.host;
  const sameName = hosts.filter((h) => h.split('.')[0] === short);
  if (rule.host.includes('.') && !rule.host.startsWith('*') && hosts.includes(`${rule.host}.svc.cluster.local`)) {
    return `a host with a dot is taken as a full name: write ${rule.host}.svc.cluster.local, or the short name from the service's namespace`;
  }
  if (sameName.length > 0) {
    return `a short host resolves in the rule's own namespace (${rule.namespace}); the service is ${sameName.join(', ')}: put the rule in that namespace or write the full name`;
  }
  return hosts.length > 0 ? `the gateway's services: ${hosts.join(', ')}` : 'the gateway sends to no service';
}

function warn(report: (d: Diagnostic) => void, rule: TrafficPolicyIR, message: string, hint: string): void {
  const loc = rule.hostLoc ?? rule.loc;
  report({ severity: 'warning', code: 'GL_W_NO_EFFECT', message, hint, ...(loc ? { loc } : {}) });
}
