/** `gatelab translate`: a gateway config in another dialect, and what the other dialect cannot say. */
import { hasErrors } from '../core/errors.ts';
import { translate, TRANSLATE_TARGETS } from '../config/translate/index.ts';
import { command, options, type CommandArgs } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { FORMAT_OPTION, loadConfigFiles } from './load.ts';

export const TRANSLATE_HELP = `Usage: gatelab translate FILE… --to ir|gateway-api|kong|traefik [--format F]

Loads the config (later files merge onto the first, like overlays), translates it and prints the
translation on stdout. Every part the target cannot express — or expresses only differently, such as
a fixed window that becomes a token bucket — is listed on stderr as
  file:line:col: warning GL_W_NOT_EXPRESSIBLE: route …: what was dropped
Routes, weights, a stripped path prefix, request/response headers set or removed and rate limits
carry over between Kong, Traefik and Gateway API; --to ir writes gatelab's native IR form.

Options:
  --to T          ir | gateway-api | kong | traefik (required)
  --format F      kong | gateway-api | ingress-nginx | traefik | ir (default: detected)
  -h, --help      show this help

Exit status: 0 translated completely, 1 something was dropped, 2 usage or config error.`;

const TRANSLATE = {
  name: 'translate',
  help: TRANSLATE_HELP,
  positionals: { atLeastOne: 'config file' },
  options: options({ to: { kind: 'choice', choices: TRANSLATE_TARGETS, required: true }, format: FORMAT_OPTION }),
} as const;

export const translateCommand = command(TRANSLATE, translateFiles);

async function translateFiles({ values, positionals }: CommandArgs<typeof TRANSLATE.options>): Promise<number> {
  const loaded = loadConfigFiles(positionals, values.format);
  if (!loaded.ir || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return EXIT.usage;
  }
  const result = translate(loaded.ir, values.to);
  process.stdout.write(result.text);
  printDiagnostics(result.dropped.map((d) => ({ severity: 'warning' as const, code: 'GL_W_NOT_EXPRESSIBLE' as const, message: d.message, ...(d.loc ? { loc: d.loc } : {}) })));
  return result.dropped.length > 0 ? EXIT.failed : EXIT.ok;
}
