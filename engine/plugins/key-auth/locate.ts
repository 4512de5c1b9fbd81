/**
 * Where Kong's key-auth finds the key (semantics §6): for each name in `key_names`, in order, a header,
 * then a query argument, then (key_in_body) a field of a form-urlencoded, multipart or JSON body; the
 * first single string wins, and a name that
 * carries several values is "Duplicate API key found". `hide` then removes that name from all three
 * places, so the backend never receives the key.
 *
 * As in Kong's do_authentication (kong/plugins/key-auth/handler.lua), the first place where a name has
 * any value decides for that name: a string is the key, a Lua table (a repeated value, or a JSON array
 * or object in the body) is a duplicate, and anything else (a bare `?apikey`, which Kong reads as
 * `true`; a JSON number) moves on to the next name without looking further for this one.
 */
import type { RequestContext } from '../../pipeline/types.ts';
import { currentHeaders } from '../kit/kong-auth.ts';
import { queryValues, withoutQueryArg } from '../kit/query.ts';
import type { KeyAuthConfig } from './config.ts';
import { multipartBoundary, parseMultipart, withoutMultipartField, type MultipartBody } from './multipart.ts';

export type KeySource = 'header' | 'query' | 'body';

export type Located =
  | { kind: 'found'; key: string; source: KeySource; name: string }
  | { kind: 'duplicate'; source: KeySource; name: string }
  | { kind: 'none' }
  /** The search reached the body, which the host has not read yet (a stream on real sockets). */
  | { kind: 'unread-body' };

type BodyForm =
  | { type: 'json'; value: Record<string, unknown> }
  | { type: 'form'; params: URLSearchParams }
  | { type: 'multipart'; body: string; parsed: MultipartBody };

/** The body as kong.request.get_body reads it: form-urlencoded, multipart or a JSON object; anything else none. */
function readBody(ctx: RequestContext): BodyForm | undefined {
  const body = ctx.upstream.body;
  if (body === undefined || body === '') return undefined;
  const contentType = currentHeaders(ctx).get('content-type') ?? '';
  const type = contentType.toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) return { type: 'form', params: new URLSearchParams(body) };
  const boundary = multipartBoundary(contentType);
  if (boundary !== undefined) {
    const parsed = parseMultipart(body, boundary);
    return parsed ? { type: 'multipart', body, parsed } : undefined;
  }
  if (type.includes('application/json')) {
    try {
      const value: unknown = JSON.parse(body);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { type: 'json', value: value as Record<string, unknown> };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A JSON array or object decodes to a Lua table, which Kong counts as a duplicate key whatever its length. */
const LUA_TABLE: readonly unknown[] = Object.freeze([Symbol('table'), Symbol('table')]);

function bodyValues(form: BodyForm, name: string): readonly unknown[] {
  if (form.type === 'form') return form.params.getAll(name);
  // A name sent in several parts counts as several values, as a repeated form field does.
  if (form.type === 'multipart') return form.parsed.fields.filter((f) => f.name === name).map((f) => f.value);
  const v = form.value[name];
  // JSON false is falsy in Lua: as good as absent.
  if (v === undefined || v === false) return [];
  return typeof v === 'object' && v !== null ? LUA_TABLE : [v];
}

/** One name's values in one place, as Kong's lookup sees them (several = a Lua table). */
function valuesAt(ctx: RequestContext, source: KeySource, name: string, body: BodyForm | undefined): readonly unknown[] {
  if (source === 'header') return currentHeaders(ctx).getAll(name);
  if (source === 'query') return queryValues(ctx.upstream.path, name).map((v) => v ?? true);
  return body ? bodyValues(body, name) : [];
}

/** Where the config lets the key travel, in Kong's order: worked out once per config by the plugin. */
export function keySources(config: KeyAuthConfig): readonly KeySource[] {
  const sources: KeySource[] = [];
  if (config.key_in_header) sources.push('header');
  if (config.key_in_query) sources.push('query');
  if (config.key_in_body) sources.push('body');
  return sources;
}

/**
 * `bodyUnread`: the body is still a stream the host holds; reaching it then answers `unread-body`, so
 * the plugin reads it (Kong's get_body) only when no header or query argument decided first.
 */
export function locateKey(config: KeyAuthConfig, ctx: RequestContext, sources: readonly KeySource[] = keySources(config), bodyUnread = false): Located {
  const body = config.key_in_body && !bodyUnread ? readBody(ctx) : undefined;
  names: for (const name of config.key_names) {
    for (const source of sources) {
      if (source === 'body' && bodyUnread) return { kind: 'unread-body' };
      if (source === 'header') {
        // Counting, then reading the one value: getAll's answer (header values are always strings)
        // without an array per request.
        const headers = currentHeaders(ctx);
        const lines = headers.count(name);
        if (lines === 0) continue;
        if (lines > 1) return { kind: 'duplicate', source, name };
        return { kind: 'found', key: headers.get(name) as string, source, name };
      }
      const values = valuesAt(ctx, source, name, body);
      if (values.length === 0) continue;
      if (values.length > 1) return { kind: 'duplicate', source, name };
      if (typeof values[0] === 'string') return { kind: 'found', key: values[0], source, name };
      // A bare `?apikey` is the boolean true in Kong (a JSON null or number is no string either): this
      // name has its value, which is no key, so Kong goes on with the next name, not the body.
      continue names;
    }
  }
  return { kind: 'none' };
}

/** hide_credentials: the name goes from the headers, the query string and (key_in_body) the body. */
export function hideKey(config: KeyAuthConfig, ctx: RequestContext, name: string): string[] {
  const removed: string[] = [];
  if (currentHeaders(ctx).delete(name)) removed.push(`header ${name}`);
  const path = withoutQueryArg(ctx.upstream.path, name);
  if (path !== ctx.upstream.path) {
    ctx.upstream.path = path;
    removed.push(`query argument ${name}`);
  }
  if (config.key_in_body) {
    const body = readBody(ctx);
    if (body?.type === 'form' && body.params.has(name)) {
      body.params.delete(name);
      ctx.upstream.body = body.params.toString();
      removed.push(`body field ${name}`);
    } else if (body?.type === 'multipart' && body.parsed.fields.some((f) => f.name === name)) {
      ctx.upstream.body = withoutMultipartField(body.body, body.parsed, name);
      removed.push(`body field ${name}`);
    } else if (body?.type === 'json' && name in body.value) {
      delete body.value[name];
      ctx.upstream.body = JSON.stringify(body.value);
      removed.push(`body field ${name}`);
    }
  }
  // A rewritten body has another length; the one the client sent would now be wrong. And it is the
  // text that goes upstream, not the bytes the proxy host read (key-auth's read-body answer).
  if (removed.some((r) => r.startsWith('body'))) {
    currentHeaders(ctx).delete('content-length');
    ctx.upstream.stream = undefined;
  }
  return removed;
}

/** Enough of a key to recognise it in a trace, never the whole secret. */
export function maskKey(key: string): string {
  if (key.length <= 4) return '…';
  return `${key.slice(0, 4)}…`;
}
