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

/** GEP-2826 HTTPDirectResponseBody.string: kubebuilder MaxLength=4096. */
export const MAX_BODY_CHARS = 4096;

export function parseDirectResponseConfig(raw: unknown, report: ConfigReporter): DirectResponseConfig {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const statusCode = readStatus(obj['statusCode'], report);
  const body = obj['body'];
  let text = '';
  if (typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>)['string'] === 'string') text = (body as Record<string, string>)['string'] as string;
  else if (body !== undefined && body !== null) report.error(['body'], 'GL_E_CONFIG_INVALID', 'body must be {string: "..."}');
  // The API server counts a string's maxLength in characters (Unicode code points, as Go's
  // utf8.RuneCountInString), not bytes, so that is what is counted here.
  const chars = [...text].length;
  if (chars > MAX_BODY_CHARS) {
    report.error(
      ['body', 'string'],
      'GL_E_CONFIG_INVALID',
      `body.string is ${chars} characters; the API server rejects more than ${MAX_BODY_CHARS} (GEP-2826 caps a direct response's body)`,
      'shorten the body, or serve a large page from a backend',
    );
  }
  return { statusCode, body: text };
}

/**
 * The API server takes 100–599 (kubebuilder Minimum/Maximum in GEP-2826). gatelab takes 200–599: a 1xx
 * cannot be the final answer. Envoy refuses a DirectResponseAction status below 200 (route_components.proto
 * `gte: 200`, envoyproxy/envoy#19237), so the route never reaches it; and over HTTP/1.1 a 1xx is an
 * interim response — Node writes `HTTP/1.1 150` with no body and the client waits on for a final one.
 */
function readStatus(status: unknown, report: ConfigReporter): number {
  if (typeof status === 'number' && Number.isInteger(status) && status >= 200 && status <= 599) return status;
  if (status === undefined || status === null) {
    report.error(['statusCode'], 'GL_E_CONFIG_INVALID', 'directResponse needs a statusCode; the API server rejects the filter without one', 'add statusCode: 200 to 599');
  } else if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 199) {
    report.error(
      ['statusCode'],
      'GL_E_CONFIG_INVALID',
      `statusCode ${status} is informational: the API server accepts it, but a 1xx cannot be a final answer — Envoy refuses a direct response below 200 (envoyproxy/envoy#19237), and an HTTP/1.1 client reads a 1xx as interim and keeps waiting`,
      'use a final status, 200 to 599',
    );
  } else {
    report.error(['statusCode'], 'GL_E_CONFIG_INVALID', `statusCode must be an integer from 200 to 599, not ${JSON.stringify(status)}; the API server rejects anything outside 100–599`);
  }
  return 200;
}
