/**
 * Kong `request-transformer` config (Kong 3.10 schema, semantics §6). Every list entry is Kong's
 * "name:value" (remove lists hold names); values may use Kong's templates, `$(headers["x-id"])`,
 * `$(query_params.page)`, `$(uri_captures[1])`, `$(shared.x)` — and nothing else: the lesson's
 * `$(uuid)` is not a template variable, so gatelab warns (Kong renders it as an empty string, and nginx
 * sends no header whose value is empty).
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { templateProblems } from './template.ts';

export interface NameValue {
  name: string;
  /** The value template as written (rendered per request). */
  value: string;
}

export interface Family {
  headers: NameValue[];
  querystring: NameValue[];
  body: NameValue[];
}

export interface RequestTransformerConfig {
  /** Change the method sent upstream; unset = keep it. */
  http_method?: string;
  remove: Family;
  rename: Family;
  /** replace.uri sets the upstream path (a template). */
  replace: Family & { uri?: string };
  add: Family;
  append: Family;
}

const FAMILIES = ['headers', 'querystring', 'body'] as const;
const ACTIONS = ['remove', 'rename', 'replace', 'add', 'append'] as const;
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;

/** Kong's iter: `^([^:]+):*(.-)$` — the name up to the first colon, any further colons skipped. */
export function splitPair(entry: string): NameValue {
  const m = /^([^:]+):*(.*)$/s.exec(entry);
  return m ? { name: m[1] as string, value: m[2] as string } : { name: entry, value: '' };
}

function readFamily(r: ConfigReader, action: (typeof ACTIONS)[number]): Family {
  const known = action === 'replace' ? [...FAMILIES, 'uri', 'json_types'] : action === 'remove' ? [...FAMILIES] : [...FAMILIES, 'json_types'];
  const sub = r.sub(action, known);
  const out: Family = { headers: [], querystring: [], body: [] };
  for (const family of FAMILIES) {
    sub.strList(family, []).forEach((entry, i) => {
      const pair = action === 'remove' ? { name: entry, value: '' } : splitPair(entry);
      if (action !== 'remove' && !entry.includes(':')) {
        sub.error([family, i], `invalid value: ${entry} — ${action} entries are "name:value"`);
        return;
      }
      if (family === 'headers' && !HEADER_NAME.test(pair.name.trim())) sub.error([family, i], `bad header name '${pair.name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`);
      for (const problem of templateProblems(pair.value)) {
        sub.warn([family, i], 'GL_W_LESSON_DIFFERS', `${problem.text} is not a request-transformer template variable (Kong knows headers, query_params, uri_captures and shared); Kong renders it as an empty string, ${emptyOutcome(family, action, pair.name, problem.rendered)}`, problem.hint);
      }
      if (family === 'headers' && pair.name.trim().toLowerCase() === 'host' && action !== 'remove') {
        sub.warn([family, i], 'GL_W_NO_EFFECT', action === 'replace' ? 'replacing Host is not modelled: gatelab sends the Host the route and service imply' : `Kong never ${action}s a Host header`);
      }
      if (family === 'body') sub.warn([family, i], 'GL_W_NO_EFFECT', `${action}.body is not modelled: gatelab leaves request bodies as they are`);
      out[family].push({ name: pair.name.trim(), value: pair.value.trim() });
    });
  }
  if (action === 'replace') {
    const uri = sub.str('uri');
    if (uri !== undefined) (out as Family & { uri?: string }).uri = uri;
  }
  return out;
}

export function parseRequestTransformerConfig(raw: unknown, report: ConfigReporter): RequestTransformerConfig {
  const r = new ConfigReader(raw, report, ['http_method', 'dots_in_keys', ...ACTIONS], [], 'request-transformer');
  const method = r.str('http_method');
  if (method !== undefined && !/^[A-Z]+$/.test(method)) r.error('http_method', `invalid value: ${method} — an HTTP method in upper case`);
  const out: RequestTransformerConfig = {
    remove: readFamily(r, 'remove'),
    rename: readFamily(r, 'rename'),
    replace: readFamily(r, 'replace'),
    add: readFamily(r, 'add'),
    append: readFamily(r, 'append'),
  };
  if (method !== undefined) out.http_method = method;
  r.bool('dots_in_keys', true);
  return out;
}

/** What the backend gets when a template renders to `rendered`; nginx drops a header set to "" (transform.ts). */
function emptyOutcome(family: string, action: string, name: string, rendered: string): string {
  if (family !== 'headers' || rendered !== '' || action === 'append') return `so ${name} gets '${rendered}'`;
  return action === 'replace' ? `so nginx removes ${name} instead of replacing it` : `so nginx sends no ${name} header at all`;
}
