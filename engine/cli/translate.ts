/** `gatelab translate`: a gateway config in another dialect, and what the other dialect cannot say. */
import { hasErrors } from '../core/errors.ts';
import type { Dialect } from '../config/ir.ts';
import { translate, TRANSLATE_TARGETS, type TranslateTarget } from '../config/translate/index.ts';
import { parse, UsageError } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { loadConfigFiles } from './load.ts';

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

export async function translateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { to: { type: 'string' }, format: { type: 'string' } });
  if (values.help) {
    console.log(TRANSLATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('translate needs a config FILE');
  const to = values.to as string | undefined;
  if (!to) throw new UsageError(`translate needs --to ${TRANSLATE_TARGETS.join('|')}`);
  if (!(TRANSLATE_TARGETS as readonly string[]).includes(to)) throw new UsageError(`--to must be one of ${TRANSLATE_TARGETS.join(', ')}, not '${to}'`);
  const loaded = loadConfigFiles(positionals, values.format as Dialect | undefined);
  if (!loaded.ir || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return EXIT.usage;
  }
  const result = translate(loaded.ir, to as TranslateTarget);
  process.stdout.write(result.text);
  printDiagnostics(result.dropped.map((d) => ({ severity: 'warning' as const, code: 'GL_W_NOT_EXPRESSIBLE' as const, message: d.message, ...(d.loc ? { loc: d.loc } : {}) })));
  return result.dropped.length > 0 ? EXIT.failed : EXIT.ok;
}
