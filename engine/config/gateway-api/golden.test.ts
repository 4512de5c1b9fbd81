/**
 * Golden tests (design.md, "Configs: many dialects, one IR"): each golden/*.txt holds Kubernetes YAML
 * (any number of documents), then optional overlays, then the expected IR as JSON (null when loading
 * fails), then the diagnostics as `file:line:col: severity CODE: message (hint)` lines. Run with
 * UPDATE_GOLDEN=1 to rewrite the expected parts after an intended change, and read the diff.
 *
 *   <input YAML, read as file "<name>.yaml" (the part of the golden's name before any "@")>
 *   --- overlay <file name> ---       (any number)
 *   <overlay YAML>
 *   --- expected IR ---
 *   <JSON>
 *   --- diagnostics ---
 *   <one per line>
 */
import { join } from 'node:path';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptGatewayApi } from './adapt.ts';
import { layDocuments } from './overlay.ts';
import { goldenSuite, type Golden } from '../../../test/support/golden.ts';

const DIR = join(import.meta.dirname, 'golden');

function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const yamlDiagnostics = parsed.flatMap((p) => p.diagnostics);
  const [base, ...overlays] = parsed.map((p) => p.docs.map((d) => ({ value: d.value, map: d.map })));
  const result = adaptGatewayApi(layDocuments(base ?? [], overlays.flat()));
  return {
    ir: JSON.stringify(result.ir ?? null, null, 2),
    diagnostics: [...yamlDiagnostics, ...result.diagnostics].map(formatDiagnostic).join('\n'),
  };
}

goldenSuite('Gateway API adapter goldens', DIR, run);
