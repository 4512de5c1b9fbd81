/**
 * The golden-file format shared by the Kubernetes adapters' tests (design.md, "Configs: many dialects,
 * one IR"): input YAML, any number of further files, the expected IR as JSON (null when loading
 * fails), then the diagnostics as `file:line:col: severity CODE: message (hint)` lines.
 *
 *   <YAML, read as "<name>.yaml" (the golden's name before any "@")>
 *   --- file <name> ---        (any number: more files given to the adapter, in order)
 *   <YAML>
 *   --- expected IR ---
 *   <JSON>
 *   --- diagnostics ---
 *   <one per line>
 */

export const IR_SEP = '--- expected IR ---';
export const DIAG_SEP = '--- diagnostics ---';
const FILE_SEP = /^--- (?:file|overlay) (\S+) ---$/;

export interface Golden {
  inputs: Array<{ file: string; text: string }>;
  ir: string;
  diagnostics: string;
}

export function parseGolden(name: string, text: string): Golden {
  const lines = text.split('\n');
  const irAt = lines.indexOf(IR_SEP);
  const diagAt = lines.indexOf(DIAG_SEP);
  if (irAt < 0 || diagAt < irAt) throw new Error(`${name}: needs "${IR_SEP}" then "${DIAG_SEP}"`);
  const inputs: Golden['inputs'] = [{ file: `${name.split('@')[0]}.yaml`, text: '' }];
  const buf: string[] = [];
  for (const line of lines.slice(0, irAt)) {
    const m = FILE_SEP.exec(line);
    if (m) {
      (inputs[inputs.length - 1] as { text: string }).text = `${buf.splice(0).join('\n')}\n`;
      inputs.push({ file: m[1] ?? 'more.yaml', text: '' });
    } else buf.push(line);
  }
  (inputs[inputs.length - 1] as { text: string }).text = `${buf.join('\n')}\n`;
  return { inputs, ir: lines.slice(irAt + 1, diagAt).join('\n').trim(), diagnostics: lines.slice(diagAt + 1).join('\n').trim() };
}

/** The golden text with its expected parts replaced (UPDATE_GOLDEN=1). */
export function rewriteGolden(text: string, actual: { ir: string; diagnostics: string }): string {
  const head = text.slice(0, text.indexOf(`${IR_SEP}\n`));
  return `${head}${IR_SEP}\n${actual.ir}\n${DIAG_SEP}\n${actual.diagnostics ? `${actual.diagnostics}\n` : ''}`;
}
