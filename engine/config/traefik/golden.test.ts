/**
 * Golden tests (design.md, "Configs: many dialects, one IR"): each golden/*.txt holds Traefik YAML
 * (several documents allowed), optional overlays, the expected IR as JSON (null when loading fails)
 * and the diagnostics, one `file:line:col: severity CODE: message (hint)` per line. Run with
 * UPDATE_GOLDEN=1 to rewrite the expected parts after an intended change, and read the diff.
 *
 *   <input YAML, read as file "<name>.yaml" (the part of the golden's name before any "@")>
 *   --- overlay <file name> ---       (any number)
 *   <overlay YAML>
 *   --- expected IR ---
 *   <JSON>
 *   --- diagnostics ---
 *   <one per line>
 *
 * The configs of plugins this dialect does not own (rate-limit, forward-auth) are shown as a
 * placeholder, so a change inside those plugins does not churn these files; their diagnostics stay.
 */
import { join } from 'node:path';
import { formatDiagnostic } from '../../core/errors.ts';
import { layDocuments } from '../gateway-api/index.ts';
import type { GatewayIR } from '../ir.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptTraefik } from './adapt.ts';
import { goldenSuite, type Golden } from '../../../test/support/golden.ts';

const DIR = join(import.meta.dirname, 'golden');
const OWN_PLUGINS = new Set(['path-rewrite', 'headers', 'redirect']);
function masked(ir: GatewayIR | undefined): unknown {
  if (!ir) return null;
  return { ...ir, plugins: ir.plugins.map((p) => (OWN_PLUGINS.has(p.plugin) ? p : { ...p, config: `<parsed by the ${p.plugin} plugin>` })) };
}

function run(g: Golden): { ir: string; diagnostics: string } {
  const parsed = g.inputs.map((i) => parseYaml(i.text, i.file));
  const [base, ...overlays] = parsed;
  const docs = layDocuments(base?.docs ?? [], overlays.flatMap((p) => p.docs));
  const result = adaptTraefik(docs);
  return {
    ir: JSON.stringify(masked(result.ir), null, 2),
    diagnostics: [...parsed.flatMap((p) => p.diagnostics), ...result.diagnostics].map(formatDiagnostic).join('\n'),
  };
}

goldenSuite('Traefik adapter goldens', DIR, run);
