/**
 * Config of the header-modifier plugin: Gateway API's HTTPHeaderFilter (`set`, `add`, `remove`), used
 * by RequestHeaderModifier and ResponseHeaderModifier. Validation repeats what the API server's schema
 * rejects (httproute_types.go): a header name is an RFC 7230 token, a name appears once per list
 * (case-insensitively), and each list holds at most 16 entries.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';

export interface HeaderValue {
  name: string;
  value: string;
}

export interface HeaderModifierConfig {
  /** `request`: the headers sent upstream (RequestHeaderModifier); `response`: those sent to the client. */
  target: 'request' | 'response';
  /** Replace every value of the header with this one (or create it). */
  set: HeaderValue[];
  /** Append this value to the header's existing values, comma-joined (or create it). */
  add: HeaderValue[];
  /** Delete the header, every line of it. */
  remove: string[];
}

/** RFC 7230 `token`: the characters a header field name may have. */
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const MAX_ENTRIES = 16;

export function parseHeaderModifierConfig(raw: unknown, report: ConfigReporter): HeaderModifierConfig {
  const obj = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) report.error([], 'GL_E_TYPE', 'a header modifier must be a mapping with set, add or remove');
  const target = obj['target'] === 'response' ? 'response' : 'request';
  return {
    target,
    set: values(obj, 'set', report),
    add: values(obj, 'add', report),
    remove: names(obj, report),
  };
}

function values(obj: Record<string, unknown>, field: 'set' | 'add', report: ConfigReporter): HeaderValue[] {
  const raw = obj[field];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report.error([field], 'GL_E_TYPE', `${field} must be a list of {name, value}`);
    return [];
  }
  if (raw.length > MAX_ENTRIES) report.error([field], 'GL_E_CONFIG_INVALID', `${field} may hold at most ${MAX_ENTRIES} entries, not ${raw.length}`);
  const out: HeaderValue[] = [];
  const seen = new Set<string>();
  raw.forEach((item, i) => {
    if (!isRecord(item) || typeof item['name'] !== 'string' || item['name'] === '') {
      report.error([field, i], 'GL_E_TYPE', `${field}[${i}] needs a name (a string)`);
      return;
    }
    const name = item['name'];
    const value = item['value'];
    if (!TOKEN.test(name)) report.error([field, i, 'name'], 'GL_E_CONFIG_INVALID', `'${name}' is not a valid header name`, 'use letters, digits and - only');
    if (typeof value !== 'string') {
      report.error([field, i, 'value'], 'GL_E_TYPE', `${field}[${i}].value must be a string`, typeof value === 'number' ? `quote it: value: "${value}"` : undefined);
      return;
    }
    if (seen.has(name.toLowerCase())) {
      report.error([field, i, 'name'], 'GL_E_CONFIG_INVALID', `header '${name}' appears twice in ${field}`, 'header names compare case-insensitively; keep one entry');
      return;
    }
    seen.add(name.toLowerCase());
    out.push({ name, value });
  });
  return out;
}

function names(obj: Record<string, unknown>, report: ConfigReporter): string[] {
  const raw = obj['remove'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    report.error(['remove'], 'GL_E_TYPE', 'remove must be a list of header names');
    return [];
  }
  if (raw.length > MAX_ENTRIES) report.error(['remove'], 'GL_E_CONFIG_INVALID', `remove may hold at most ${MAX_ENTRIES} entries, not ${raw.length}`);
  const out: string[] = [];
  raw.forEach((item, i) => {
    if (typeof item !== 'string' || !TOKEN.test(item)) {
      report.error(['remove', i], 'GL_E_CONFIG_INVALID', `remove[${i}] must be a header name`);
      return;
    }
    if (out.some((n) => n.toLowerCase() === item.toLowerCase())) {
      report.error(['remove', i], 'GL_E_CONFIG_INVALID', `header '${item}' appears twice in remove`);
      return;
    }
    out.push(item);
  });
  return out;
}

/** Header names that more than one of set/add/remove touch (Envoy Gateway rejects such a filter). */
export function conflictingNames(config: Pick<HeaderModifierConfig, 'set' | 'add' | 'remove'>): string[] {
  const lists = [config.set.map((h) => h.name), config.add.map((h) => h.name), config.remove];
  const count = new Map<string, number>();
  for (const list of lists) for (const n of new Set(list.map((x) => x.toLowerCase()))) count.set(n, (count.get(n) ?? 0) + 1);
  return [...count].filter(([, c]) => c > 1).map(([n]) => n);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
