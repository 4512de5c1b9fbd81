/** The load-time checks of every variant of a scenario, without simulating it. */
import type { Diagnostic } from '../core/errors.ts';
import { loadGateway } from '../config/load-gateway.ts';
import { applyVariant } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { mergeVariantDiagnostics, type VariantDiagnostics } from './variant-diagnostics.ts';

export function runVariantChecks(scenario: Scenario): Diagnostic[] {
  const perVariant: VariantDiagnostics[] = [];
  for (const v of scenario.variants) {
    const patched = v.name === 'base' ? { scenario, diagnostics: [] } : applyVariant(scenario, v.name);
    const out: Diagnostic[] = [...patched.diagnostics];
    perVariant.push({ name: v.name, diagnostics: out });
    if (!patched.scenario) continue;
    out.push(...loadGateway(patched.scenario.gateway).diagnostics);
    for (const ev of patched.scenario.events) if (ev.kind === 'config') out.push(...loadGateway(ev.gateway).diagnostics);
  }
  return mergeVariantDiagnostics(perVariant);
}
