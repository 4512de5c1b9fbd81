/**
 * Kong adapter goldens (format: test/support/golden.ts). The rate-limit configs are kept as written
 * by a stand-in parser (golden-plugins.ts), so a change inside the plugin does not churn these files.
 */
import { join } from 'node:path';
import { formatDiagnostic } from '../../core/errors.ts';
import { mergeOverlays } from '../overlay.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptKong } from './adapt.ts';
import { goldenPluginLookup } from './golden-plugins.ts';
import { goldenSuite, type Golden } from '../../../test/support/golden.ts';

function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const yamlDiagnostics = parsed.flatMap((p) => p.diagnostics);
  const docs = parsed.map((p) => p.docs[0]).filter((d) => d !== undefined);
  const [base, ...overlays] = docs;
  const result = base ? adaptKong([mergeOverlays(base, overlays)], { plugins: goldenPluginLookup }) : { diagnostics: [] };
  return {
    ir: JSON.stringify(result.ir ?? null, null, 2),
    diagnostics: [...yamlDiagnostics, ...result.diagnostics].map(formatDiagnostic).join('\n'),
  };
}

goldenSuite('Kong adapter goldens', join(import.meta.dirname, 'golden'), run);
