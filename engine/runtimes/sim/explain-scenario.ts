/**
 * explain against a scenario's state at an instant: the run proceeds to `atMs`, then one probe
 * request meets the counters, buckets and breakers exactly as the traffic left them.
 */
import type { Diagnostic } from '../../core/errors.ts';
import { hasErrors } from '../../core/errors.ts';
import { loadGateway } from '../../config/load-gateway.ts';
import type { HandledRequest } from '../../pipeline/gateway.ts';
import type { Scenario } from '../../scenario/types.ts';
import { applyVariant } from '../../scenario/load.ts';
import { buildExplainRequest, toExplainResult, type ExplainInput, type ExplainResult } from './explain.ts';
import { simulate } from './simulate.ts';

export interface ScenarioProbe extends Pick<ExplainInput, 'method' | 'url' | 'headers' | 'clientIp'> {
  atMs: number;
}

export async function explainInScenario(
  base: Scenario,
  variant: string,
  probe: ScenarioProbe,
): Promise<{ result?: ExplainResult; diagnostics: Diagnostic[] }> {
  const patched = variant === 'base' ? { scenario: base, diagnostics: [] } : applyVariant(base, variant);
  if (!patched.scenario || hasErrors(patched.diagnostics)) return { diagnostics: patched.diagnostics };
  const scenario = patched.scenario;
  const gateway = loadGateway(scenario.gateway);
  if (!gateway.ir || hasErrors(gateway.diagnostics)) return { diagnostics: gateway.diagnostics };
  const ir = gateway.ir;
  let handled: HandledRequest | undefined;
  const run = await simulate(scenario, {
    variant,
    level: 'full',
    adapt: (spec) => (spec === scenario.gateway ? ir : (loadGateway(spec).ir ?? ir)),
    probe: { atMs: probe.atMs, request: (id) => buildExplainRequest(id, probe), done: (h) => (handled = h) },
  });
  if (!handled) {
    return {
      diagnostics: [
        { severity: 'error', code: 'GL_E_USAGE', message: `the probe at ${probe.atMs} ms did not complete`, hint: 'choose an instant inside the scenario duration' },
      ],
    };
  }
  return { result: toExplainResult(handled, run.events, 'probe-1'), diagnostics: gateway.diagnostics };
}
