/**
 * Config of the direct-response plugin: Gateway API's experimental `DirectResponse` filter — the
 * gateway answers with a fixed status and an optional body, no backend involved.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';

export interface DirectResponseConfig {
  /** The status the client gets. */
  statusCode: number;
  /** The body (`body.string` in the filter); empty when unset. */
  body: string;
}

export function parseDirectResponseConfig(raw: unknown, report: ConfigReporter): DirectResponseConfig {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const status = obj['statusCode'];
  let statusCode = 200;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599) statusCode = status;
  else report.error(['statusCode'], 'GL_E_CONFIG_INVALID', `statusCode must be an integer from 200 to 599, not ${JSON.stringify(status)}`);
  const body = obj['body'];
  let text = '';
  if (typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>)['string'] === 'string') text = (body as Record<string, string>)['string'] as string;
  else if (body !== undefined && body !== null) report.error(['body'], 'GL_E_CONFIG_INVALID', 'body must be {string: "..."}');
  return { statusCode, body: text };
}
