/**
 * Gateway API's HTTPPathModifier, shared by URLRewrite and RequestRedirect: replace the whole path, or
 * replace the prefix the route matched (semantics §7's prefix table lives in
 * engine/routing/gateway-api-path.ts).
 */
import { replacePrefixMatch } from '../../routing/gateway-api-path.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';

export type PathModifier = { type: 'ReplaceFullPath'; value: string } | { type: 'ReplacePrefixMatch'; value: string };

export function parsePathModifier(raw: unknown, report: ConfigReporter, at: Array<string | number>): PathModifier | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    report.error(at, 'GL_E_TYPE', 'path must be a mapping with type and replaceFullPath or replacePrefixMatch');
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const type = obj['type'];
  if (type !== 'ReplaceFullPath' && type !== 'ReplacePrefixMatch') {
    report.error([...at, 'type'], 'GL_E_CONFIG_INVALID', `path.type must be ReplaceFullPath or ReplacePrefixMatch, not ${JSON.stringify(type)}`);
    return undefined;
  }
  const field = type === 'ReplaceFullPath' ? 'replaceFullPath' : 'replacePrefixMatch';
  const other = type === 'ReplaceFullPath' ? 'replacePrefixMatch' : 'replaceFullPath';
  if (obj[other] !== undefined) {
    report.error([...at, other], 'GL_E_CONFIG_INVALID', `${other} must not be set when path.type is ${type}`);
  }
  const value = obj[field];
  if (typeof value !== 'string') {
    report.error([...at, field], 'GL_E_CONFIG_INVALID', `path.type ${type} needs ${field} (a string)`);
    return undefined;
  }
  if (value !== '' && !value.startsWith('/')) report.error([...at, field], 'GL_E_CONFIG_INVALID', `${field} must start with /`);
  return { type, value };
}

/**
 * The path (without query) a modifier produces for a request path. `matchedPrefix` is the PathPrefix
 * value of the match that chose the rule; without one, ReplacePrefixMatch cannot apply (the API server
 * only allows it with a PathPrefix match) and the path stays.
 */
export function modifyPath(path: string, modifier: PathModifier, matchedPrefix: string | undefined): string {
  if (modifier.type === 'ReplaceFullPath') return modifier.value === '' ? '/' : modifier.value;
  if (matchedPrefix === undefined) return path;
  return replacePrefixMatch(path, matchedPrefix, modifier.value);
}

export function describeModifier(m: PathModifier): string {
  return m.type === 'ReplaceFullPath' ? `ReplaceFullPath ${m.value}` : `ReplacePrefixMatch → ${m.value === '' ? '""' : m.value}`;
}
