/**
 * Config of the request-redirect plugin: Gateway API's HTTPRequestRedirectFilter. 301 and 302 are Core
 * support, 303, 307 and 308 Extended; the API server rejects any other status.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { HOSTNAME_PATTERN } from '../../routing/gateway-api-hostname.ts';
import { parsePathModifier } from '../url-rewrite/path-modifier.ts';
import type { RedirectSpec } from './location.ts';

export interface RequestRedirectConfig extends RedirectSpec {
  /** The redirect status; default 302. */
  statusCode: number;
}

export const REDIRECT_STATUS_CODES = [301, 302, 303, 307, 308];

export function parseRequestRedirectConfig(raw: unknown, report: ConfigReporter): RequestRedirectConfig {
  const out: RequestRedirectConfig = { statusCode: 302 };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    if (raw !== undefined && raw !== null) report.error([], 'GL_E_TYPE', 'requestRedirect must be a mapping');
    return out;
  }
  const obj = raw as Record<string, unknown>;
  const scheme = obj['scheme'];
  if (scheme !== undefined && scheme !== null) {
    if (scheme === 'http' || scheme === 'https') out.scheme = scheme;
    else report.error(['scheme'], 'GL_E_CONFIG_INVALID', `scheme must be http or https, not ${JSON.stringify(scheme)}`);
  }
  const hostname = obj['hostname'];
  if (hostname !== undefined && hostname !== null) {
    if (typeof hostname === 'string' && HOSTNAME_PATTERN.test(hostname) && !hostname.startsWith('*')) out.hostname = hostname;
    else report.error(['hostname'], 'GL_E_CONFIG_INVALID', `hostname must be a lower-case DNS name without wildcard, not ${JSON.stringify(hostname)}`);
  }
  const port = obj['port'];
  if (port !== undefined && port !== null) {
    if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) out.port = port;
    else report.error(['port'], 'GL_E_CONFIG_INVALID', `port must be an integer from 1 to 65535, not ${JSON.stringify(port)}`);
  }
  const status = obj['statusCode'];
  if (status !== undefined && status !== null) {
    if (typeof status === 'number' && REDIRECT_STATUS_CODES.includes(status)) out.statusCode = status;
    else report.error(['statusCode'], 'GL_E_CONFIG_INVALID', `statusCode must be one of ${REDIRECT_STATUS_CODES.join(', ')}, not ${JSON.stringify(status)}`);
  }
  const path = parsePathModifier(obj['path'], report, ['path']);
  if (path) out.path = path;
  return out;
}
