/**
 * What an attack runs against: one variant of a scenario, its gateway config loaded once, and the
 * one client whose traffic the search replaces. Every other client is left out — the claim is about
 * what a single client can get through, and a client sharing the attacker's key would only be more
 * traffic the attacker could have sent itself.
 */
import { hasErrors, type Diagnostic } from '../core/errors.ts';
import { loadGateway } from '../config/load-gateway.ts';
import type { GatewayIR } from '../config/ir.ts';
import { applyVariant } from '../scenario/load.ts';
import type { ClientSpec, Scenario } from '../scenario/types.ts';

export interface AttackTarget {
  /** The variant's scenario as loaded (its own clients, expectations and narration intact). */
  scenario: Scenario;
  variant: string;
  /** The attacker: the chosen client without traffic, retries or timeout (it sends exactly the schedule). */
  client: ClientSpec;
  /** The gateway config the run starts with. */
  ir: GatewayIR;
  /** Why the fast evaluator cannot stand in for the simulation here (empty when it can). */
  fastBlockers: string[];
}

export function prepareTarget(
  base: Scenario,
  variant: string,
  clientId?: string,
): { target?: AttackTarget; diagnostics: Diagnostic[] } {
  const patched = variant === 'base' ? { scenario: base, diagnostics: [] } : applyVariant(base, variant);
  if (!patched.scenario || hasErrors(patched.diagnostics)) return { diagnostics: patched.diagnostics };
  const scenario = patched.scenario;
  const chosen = clientId === undefined ? scenario.clients[0] : scenario.clients.find((c) => c.id === clientId);
  if (!chosen) {
    const ids = scenario.clients.map((c) => c.id).join(', ');
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_USAGE',
          message: `no client '${clientId ?? ''}' in variant '${variant}' of ${scenario.file}`,
          hint: ids ? `its clients are: ${ids}` : 'the scenario has no clients',
          loc: scenario.map.locate(['clients']),
        },
      ],
    };
  }
  const gateway = loadGateway(scenario.gateway);
  if (!gateway.ir || hasErrors(gateway.diagnostics)) return { diagnostics: [...patched.diagnostics, ...gateway.diagnostics] };
  const client: ClientSpec = { id: chosen.id, ip: chosen.ip, request: chosen.request, traffic: [] };
  return {
    target: { scenario, variant, client, ir: gateway.ir, fastBlockers: fastBlockers(scenario) },
    diagnostics: [...patched.diagnostics, ...gateway.diagnostics],
  };
}

/** Parts of a scenario the fast evaluator does not model; any of them sends the search to the simulation. */
function fastBlockers(s: Scenario): string[] {
  const out: string[] = [];
  if (s.kubernetes) out.push('a Kubernetes workload (pods come and go)');
  if (s.capacity || s.frontTimeoutMs !== undefined) out.push('a capacity model (CPU, slots, queues)');
  if (s.rollout) out.push('a rollout controller');
  if (s.events.some((e) => e.kind === 'config' || e.kind === 'deploy' || e.kind === 'drain')) out.push('config changes during the run');
  return out;
}

/** The scenario the simulation runs for one schedule: the attacker alone, nothing asserted or narrated. */
export function scheduleScenario(target: AttackTarget, schedule: readonly number[]): Scenario {
  return {
    ...target.scenario,
    clients: [{ ...target.client, traffic: [{ kind: 'list', atMs: [...schedule] }] }],
    expect: [],
    narration: [],
    snapshotsAtMs: [],
  };
}
