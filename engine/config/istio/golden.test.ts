/**
 * Golden tests for the Istio DestinationRule reader: YAML in, the TrafficPolicyIR list (null when a
 * rule fails Istio's validation) and the diagnostics out. Format: ../ingress-nginx/golden-kit.ts.
 * UPDATE_GOLDEN=1 rewrites the expected parts.
 */
import { join } from 'node:path';
import { formatDiagnostic, hasErrors } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptIstio } from './index.ts';
import { goldenSuite, type Golden } from '../../../test/support/golden.ts';

const DIR = join(import.meta.dirname, 'golden');
function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const result = adaptIstio(parsed.flatMap((p) => p.docs));
  const diagnostics = [...parsed.flatMap((p) => p.diagnostics), ...result.diagnostics];
  return {
    ir: JSON.stringify(hasErrors(diagnostics) ? null : { trafficPolicies: result.policies }, null, 2),
    diagnostics: diagnostics.map(formatDiagnostic).join('\n'),
  };
}

goldenSuite('Istio DestinationRule goldens', DIR, run, { minFiles: 3 });
