/**
 * Config of the redirect plugin: Traefik's redirectScheme and redirectRegex middlewares, with Traefik's
 * field names under the middleware's name:
 *
 *   { redirectScheme: { scheme: https, port: "8443", permanent: true } }
 *   { redirectRegex: { regex: "^http://localhost/(.*)", replacement: "http://mydomain/${1}", permanent: false } }
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { compileGoRegex } from '../../routing/traefik-regex.ts';

export type RedirectConfig =
  | { type: 'redirectScheme'; scheme: string; /** '' keeps the request's port (dropped when it is the scheme's default). */ port: string; permanent: boolean }
  | { type: 'redirectRegex'; regex: string; replacement: string; permanent: boolean };

const TYPES = ['redirectScheme', 'redirectRegex'] as const;

export function parseRedirectConfig(raw: unknown, report: ConfigReporter): RedirectConfig {
  const top = new ConfigReader(raw, report, TYPES, [], 'redirect');
  const types = TYPES.filter((t) => top.has(t));
  if (types.length !== 1) {
    report.error([], 'GL_E_CONFIG_INVALID', `redirect takes exactly one of ${TYPES.join(', ')}`);
    return { type: 'redirectScheme', scheme: 'https', port: '', permanent: false };
  }
  if (types[0] === 'redirectScheme') {
    const r = top.sub('redirectScheme', ['scheme', 'port', 'permanent']);
    const scheme = r.str('scheme', '');
    if (scheme === '') r.error('scheme', 'you must provide a target scheme (Traefik refuses the middleware)', 'e.g. scheme: https');
    const rawPort = r.obj['port'];
    const port = typeof rawPort === 'number' ? String(rawPort) : r.str('port', '');
    return { type: 'redirectScheme', scheme, port, permanent: r.bool('permanent', false) };
  }
  const r = top.sub('redirectRegex', ['regex', 'replacement', 'permanent']);
  const regex = r.str('regex', '');
  const c = compileGoRegex(regex);
  if (!c.ok) r.error('regex', `invalid regular expression: ${c.error}`);
  return { type: 'redirectRegex', regex, replacement: r.str('replacement', ''), permanent: r.bool('permanent', false) };
}
