/**
 * HTTPRouteMatch, with the defaults the CRD applies: a rule without matches has one match `PathPrefix /`;
 * a match without path matches `PathPrefix /`; a path without type is a PathPrefix. Header and query
 * matches default to Exact; of two entries naming the same header (case-insensitively) or query
 * parameter (exactly), only the first counts (spec). What the API server rejects is an error.
 */
import { re2Problem } from '../../routing/gateway-api-match.ts';
import { pathValueProblem } from '../../routing/gateway-api-path.ts';
import type { GwMatch, GwStringMatchType, GwValueMatch } from '../../routing/gateway-api-table.ts';
import { isRecord, listField, type AdaptContext, type K8sObject } from './context.ts';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const MAX_CONDITIONS = 16;

export interface ParsedMatches {
  matches: GwMatch[];
  /** Whether each match spelled out a path (the lesson's `- headers:` pitfall needs to know). */
  explicitPath: boolean[];
}

export function readMatches(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, raw: unknown): ParsedMatches {
  if (raw === undefined || raw === null) return { matches: [defaultMatch()], explicitPath: [false] };
  const items = listField(ctx, o, at, raw, 'matches');
  if (items.length > 64) ctx.error(o, at, 'GL_E_CONFIG_INVALID', `a rule may have at most 64 matches, not ${items.length}`);
  const out: ParsedMatches = { matches: [], explicitPath: [] };
  items.forEach((item, i) => {
    const mAt = [...at, i];
    if (!isRecord(item)) {
      ctx.error(o, mAt, 'GL_E_TYPE', 'a match must be a mapping (path, headers, queryParams, method)');
      return;
    }
    out.matches.push({
      path: readPath(ctx, o, [...mAt, 'path'], item['path']),
      headers: readValues(ctx, o, [...mAt, 'headers'], item['headers'], 'header'),
      queryParams: readValues(ctx, o, [...mAt, 'queryParams'], item['queryParams'], 'query param'),
      method: readMethod(ctx, o, [...mAt, 'method'], item['method']),
    });
    out.explicitPath.push(item['path'] !== undefined && item['path'] !== null);
  });
  if (out.matches.length === 0) return { matches: [defaultMatch()], explicitPath: [false] };
  return out;
}

function defaultMatch(): GwMatch {
  return { path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], method: null };
}

function readPath(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, raw: unknown): GwMatch['path'] {
  if (raw === undefined || raw === null) return { type: 'PathPrefix', value: '/' };
  if (!isRecord(raw)) {
    ctx.error(o, at, 'GL_E_TYPE', 'path must be a mapping with type and value');
    return { type: 'PathPrefix', value: '/' };
  }
  const type = raw['type'] ?? 'PathPrefix';
  const value = raw['value'] ?? '/';
  if (type !== 'Exact' && type !== 'PathPrefix' && type !== 'RegularExpression') {
    ctx.error(o, [...at, 'type'], 'GL_E_CONFIG_INVALID', `path type must be Exact, PathPrefix or RegularExpression, not ${JSON.stringify(type)}`, 'the names are case-sensitive');
    return { type: 'PathPrefix', value: '/' };
  }
  if (typeof value !== 'string' || value.length > 1024) {
    ctx.error(o, [...at, 'value'], 'GL_E_TYPE', 'path value must be a string of at most 1024 characters');
    return { type, value: '/' };
  }
  if (type !== 'RegularExpression') {
    const problem = pathValueProblem(value);
    if (problem) ctx.error(o, [...at, 'value'], 'GL_E_CONFIG_INVALID', `path value '${value}' ${problem}`, 'the API server rejects this HTTPRoute');
  } else {
    const problem = re2Problem(value);
    if (problem) ctx.warn(o, [...at, 'value'], 'GL_W_NO_EFFECT', `path regex '${value}' does not compile as RE2 (${problem}); this match never matches`, 'Envoy uses RE2 syntax: no look-around, no backreferences');
  }
  return { type, value };
}

function readValues(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, raw: unknown, what: 'header' | 'query param'): GwValueMatch[] {
  const items = listField(ctx, o, at, raw, `${what} matches`);
  if (items.length > MAX_CONDITIONS) ctx.error(o, at, 'GL_E_CONFIG_INVALID', `at most ${MAX_CONDITIONS} ${what} matches, not ${items.length}`);
  const out: GwValueMatch[] = [];
  items.forEach((item, i) => {
    const iAt = [...at, i];
    if (!isRecord(item) || typeof item['name'] !== 'string' || item['name'] === '') {
      ctx.error(o, iAt, 'GL_E_CONFIG_INVALID', `a ${what} match needs a name (a string)`);
      return;
    }
    const rawName = item['name'];
    if (!HEADER_NAME.test(rawName)) ctx.error(o, [...iAt, 'name'], 'GL_E_CONFIG_INVALID', `'${rawName}' is not a valid ${what} name`);
    const value = item['value'];
    if (typeof value !== 'string') {
      ctx.error(o, [...iAt, 'value'], 'GL_E_TYPE', `the ${what} match '${rawName}' needs a string value`, typeof value === 'number' ? `quote it: value: "${value}"` : undefined);
      return;
    }
    const type = (item['type'] ?? 'Exact') as GwStringMatchType;
    if (type !== 'Exact' && type !== 'RegularExpression') {
      ctx.error(o, [...iAt, 'type'], 'GL_E_CONFIG_INVALID', `${what} match type must be Exact or RegularExpression, not ${JSON.stringify(type)}`);
      return;
    }
    if (type === 'RegularExpression') {
      const problem = re2Problem(value);
      if (problem) ctx.warn(o, [...iAt, 'value'], 'GL_W_NO_EFFECT', `regex '${value}' does not compile as RE2 (${problem}); this match never matches`);
    }
    const name = what === 'header' ? rawName.toLowerCase() : rawName;
    if (out.some((m) => m.name === name)) {
      ctx.warn(o, [...iAt, 'name'], 'GL_W_NO_EFFECT', `a second ${what} match for '${rawName}' is ignored: only the first entry with a name counts`, 'merge the two conditions into one entry');
      return;
    }
    out.push({ name, type, value });
  });
  return out;
}

function readMethod(ctx: AdaptContext, o: K8sObject, at: Array<string | number>, raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || !METHODS.includes(raw)) {
    ctx.error(o, at, 'GL_E_CONFIG_INVALID', `method must be one of ${METHODS.join(', ')}, not ${JSON.stringify(raw)}`, typeof raw === 'string' && METHODS.includes(raw.toUpperCase()) ? `write it upper-case: ${raw.toUpperCase()}` : undefined);
    return null;
  }
  return raw;
}
