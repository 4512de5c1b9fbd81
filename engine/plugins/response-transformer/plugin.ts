/**
 * Kong `response-transformer` (PRIORITY 800; semantics §6). In header_filter: remove → rename →
 * replace → add → append on the response headers, where "is it there?" is asked of a snapshot taken
 * before any change (so `remove X` + `add X` does not add X back). In body_filter, for a JSON response
 * and only when JSON actions are configured: the same five actions on top-level fields, and
 * Content-Length goes. The body is streamed on the proxy host; `needsBody` makes it buffer first.
 */
import { HeaderMap } from '../../pipeline/headers.ts';
import { next, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { hasJsonTransforms, parseResponseTransformerConfig, type JsonType, type ResponseTransformerConfig } from './config.ts';

export const RESPONSE_TRANSFORMER_PRIORITY = 800;

const isJson = (contentType: string | undefined): boolean => (contentType ?? '').toLowerCase().includes('application/json');

export function transformResponseHeaders(c: ResponseTransformerConfig, h: HeaderMap): string[] {
  const snapshot = h.clone();
  const log: string[] = [];
  for (const { name } of c.remove.headers) if (h.delete(name)) log.push(`removed ${name}`);
  for (const { name, value: to } of c.rename.headers) {
    if (!snapshot.has(name) || name.toLowerCase() === to.toLowerCase()) continue;
    const values = snapshot.getAll(name);
    h.delete(to);
    for (const v of values) h.append(to, v);
    h.delete(name);
    log.push(`renamed ${name} → ${to}`);
  }
  for (const { name, value } of c.replace.headers) {
    if (!snapshot.has(name)) continue;
    h.set(name, value);
    log.push(`replaced ${name}`);
  }
  for (const { name, value } of c.add.headers) {
    if (snapshot.has(name)) continue;
    h.append(name, value);
    log.push(`added ${name}`);
  }
  for (const { name, value } of c.append.headers) {
    h.append(name, value);
    log.push(`appended ${name}`);
  }
  return log;
}

function cast(value: string, type: JsonType | undefined): unknown {
  if (type === 'number') {
    const n = Number(value);
    return value.trim() === '' || Number.isNaN(n) ? undefined : n;
  }
  if (type === 'boolean') return value === 'true';
  return value;
}

/** The JSON body actions, top-level keys only. Undefined when the body is not a JSON object. */
export function transformJsonBody(c: ResponseTransformerConfig, body: string): { body: string; log: string[] } | undefined {
  let json: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(body);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    json = v as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const log: string[] = [];
  for (const { name } of c.remove.json) {
    if (name in json) {
      delete json[name];
      log.push(`removed field ${name}`);
    }
  }
  for (const { name, value: to } of c.rename.json) {
    if (json[name] === undefined) continue;
    json[to] = json[name];
    delete json[name];
    log.push(`renamed field ${name} → ${to}`);
  }
  c.replace.json.forEach(({ name, value }, i) => {
    const v = cast(value, c.replace.json_types[i]);
    if (v !== undefined && json[name] !== undefined) {
      json[name] = v;
      log.push(`replaced field ${name}`);
    }
  });
  c.add.json.forEach(({ name, value }, i) => {
    const v = cast(value, c.add.json_types[i]);
    // Lua's `not json_body[name]`: absent or false (a JSON null is cjson.null, which is truthy).
    if (v !== undefined && (json[name] === undefined || json[name] === false)) {
      json[name] = v;
      log.push(`added field ${name}`);
    }
  });
  c.append.json.forEach(({ name, value }, i) => {
    const v = cast(value, c.append.json_types[i]);
    const cur = json[name];
    json[name] = Array.isArray(cur) ? [...cur, v] : typeof cur === 'string' ? [cur, v] : [v];
    log.push(`appended to field ${name}`);
  });
  return { body: JSON.stringify(json), log };
}

export function createResponseTransformerHooks(config: ResponseTransformerConfig): PluginHooks {
  const jsonActions = hasJsonTransforms(config);
  return {
    response(ctx: RequestContext): Verdict {
      const res = ctx.response;
      if (!res) return next('no response to transform');
      const log = transformResponseHeaders(config, res.headers);
      let bodyNote = '';
      if (jsonActions && isJson(res.headers.get('content-type'))) {
        res.headers.delete('content-length');
        const out = res.body !== undefined ? transformJsonBody(config, res.body) : undefined;
        if (out) {
          res.body = out.body;
          log.push(...out.log);
        } else {
          bodyNote = res.body === undefined ? '; the body was streamed, not transformed' : '; the body is not a JSON object, left as it is';
        }
      }
      return next(log.length > 0 ? `header_filter/body_filter, priority 800: ${log.join('; ')}${bodyNote}` : `nothing to change in this response${bodyNote}`, {
        removed: log.filter((l) => l.startsWith('removed ') && !l.startsWith('removed field')).map((l) => l.slice(8)).join(','),
        removedFields: log.filter((l) => l.startsWith('removed field ')).map((l) => l.slice(14)).join(','),
        changes: log.length,
      });
    },
  };
}

export const responseTransformerPlugin: PluginDefinition<ResponseTransformerConfig> = {
  id: 'response-transformer',
  priority: RESPONSE_TRANSFORMER_PRIORITY,
  parse: parseResponseTransformerConfig,
  create: createResponseTransformerHooks,
  needsBody: (config, response) => hasJsonTransforms(config) && isJson(response.headers.get('content-type')),
  cost: () => ({ cpuUs: 1.4, source: 'gatelab response-transformer response hook (headers only; JSON body transforms cost more): 2.3 µs minus 0.9 µs context, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }),
};
