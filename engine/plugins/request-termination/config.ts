/**
 * Kong `request-termination` config (kong/plugins/request-termination/schema.lua, Kong 3.x): the
 * gateway answers instead of the upstream. `status_code` 100–599, default 503; either `message` (a
 * JSON `{"message": …}` body) or a raw `body` with its `content_type`; `echo` answers with a JSON
 * copy of the request; `trigger` (a header name, also looked up as a query argument) makes the plugin
 * act only on requests that carry it. The schema's custom_validator decides which fields go together.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export interface RequestTerminationConfig {
  status_code: number;
  message?: string;
  content_type?: string;
  body?: string;
  echo: boolean;
  trigger?: string;
}

export const REQUEST_TERMINATION_FIELDS = ['status_code', 'message', 'content_type', 'body', 'echo', 'trigger'];

/** Kong's typedefs.header_name: an RFC 7230 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// The validator's is_present: a non-empty string.
const present = (v: string | undefined): v is string => v !== undefined && v !== '';

export function parseRequestTerminationConfig(raw: unknown, report: ConfigReporter): RequestTerminationConfig {
  const r = new ConfigReader(raw, report, REQUEST_TERMINATION_FIELDS, [], 'request-termination');
  let status = r.num('status_code', 503, { integer: true });
  if (status < 100 || status > 599) {
    r.error('status_code', `value should be between 100 and 599, not ${status}`);
    status = 503;
  } else if (status < 200) {
    // Kong's schema takes it; gatelab cannot end a request with an interim response.
    r.error('status_code', `status_code ${status} is informational: Kong's schema takes it, but a 1xx is not a final answer and the client keeps waiting`, 'use 200 to 599');
    status = 503;
  }
  const message = r.str('message');
  const contentType = r.str('content_type');
  const body = r.str('body');
  const echo = r.bool('echo', false);
  const trigger = r.str('trigger');
  if (trigger !== undefined && !TOKEN.test(trigger)) r.error('trigger', `trigger "${trigger}" is not a header name`);
  // schema.lua custom_validator, in its order; Kong refuses the entity with these texts.
  if (present(message) && (present(contentType) || present(body))) r.error('message', 'message cannot be used with content_type or body');
  else if (present(contentType) && !present(body)) r.error('content_type', 'content_type requires a body');
  else if (echo && (present(contentType) || present(body))) r.error('echo', 'echo cannot be used with content_type and body');
  return {
    status_code: status,
    echo,
    ...(message !== undefined ? { message } : {}),
    ...(contentType !== undefined ? { content_type: contentType } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(trigger !== undefined ? { trigger } : {}),
  };
}
