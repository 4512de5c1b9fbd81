/** `gatelab lint`: schema and adapter diagnostics for scenario files and vendor configs. */
import { resolve } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../core/errors.ts';
import { runVariantChecks } from './lint-scenario.ts';
import { command, options, type CommandArgs } from './args.ts';
import { EXIT, isScenarioText, looksLikeScenarioText, modelineAdvice, readText } from './io.ts';
import { loadConfigFiles, loadScenarioFile } from './load.ts';

export const LINT_HELP = `Usage: gatelab lint FILE… [--strict]

Checks scenario files (against the scenario schema, every variant, and their gateway configs) and
vendor config files (Kong declarative, …) without running them. Prints one line per problem:

  file:line:col: error|warning CODE: message (hint)

Options:
  --strict     warnings fail too
  -h, --help   show this help

Exit status: 0 clean (or warnings only), 1 errors (or warnings with --strict), 2 usage error.`;

const LINT = {
  name: 'lint',
  help: LINT_HELP,
  positionals: { atLeastOne: 'file' },
  options: options({ strict: { kind: 'flag' } }),
} as const;

export const lintCommand = command(LINT, lint);

async function lint({ values, positionals }: CommandArgs<typeof LINT.options>): Promise<number> {
  const all: Diagnostic[] = [];
  for (const file of positionals) {
    let text: string | undefined;
    try {
      text = readText(resolve(file));
    } catch {
      text = undefined;
    }
    const unmarked = text !== undefined && !isScenarioText(text) && looksLikeScenarioText(text);
    if (unmarked) {
      all.push({ severity: 'warning', code: 'GL_W_SCENARIO_MODELINE', message: `${file} looks like a scenario but has no schema modeline on its first lines; linted as a scenario`, hint: modelineAdvice(file), loc: { file, line: 1, col: 1 } });
    }
    if (text !== undefined && (isScenarioText(text) || unmarked)) {
      const loaded = loadScenarioFile(file);
      all.push(...loaded.diagnostics);
      if (loaded.scenario) all.push(...runVariantChecks(loaded.scenario));
    } else {
      all.push(...loadConfigFiles([file]).diagnostics);
    }
  }
  const unique = [...new Map(all.map((d) => [formatDiagnostic(d), d])).values()];
  for (const d of unique) console.log(formatDiagnostic(d));
  const errors = unique.filter((d) => d.severity === 'error').length;
  const warnings = unique.length - errors;
  if (errors > 0 || (values.strict && warnings > 0)) return EXIT.failed;
  return EXIT.ok;
}
