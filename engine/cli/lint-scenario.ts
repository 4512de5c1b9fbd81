/** The load-time checks of every variant of a scenario, without simulating it. */
import type { Diagnostic } from '../core/errors.ts';
import { loadGateway } from '../config/load-gateway.ts';
import { applyVariant } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';

export function runVariantChecks(scenario: Scenario): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of scenario.variants) {
    const patched = v.name === 'base' ? { scenario, diagnostics: [] } : applyVariant(scenario, v.name);
    out.push(...patched.diagnostics);
    if (!patched.scenario) continue;
    out.push(...loadGateway(patched.scenario.gateway).diagnostics);
    for (const ev of patched.scenario.events) if (ev.kind === 'config') out.push(...loadGateway(ev.gateway).diagnostics);
  }
  return out;
}
