/**
 * Kong `response-transformer` config (Kong 3.10 schema, semantics §6): header actions and top-level
 * JSON body actions, each a list of "name:value" (remove lists hold names). `json_types` says how a
 * replace/add/append JSON value is written: string (default), number or boolean.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { splitPair, type NameValue } from '../request-transformer/config.ts';

export type JsonType = 'string' | 'number' | 'boolean';

export interface ResponseFamily {
  headers: NameValue[];
  json: NameValue[];
  /** Per json entry, by position. */
  json_types: JsonType[];
}

export interface ResponseTransformerConfig {
  remove: ResponseFamily;
  rename: ResponseFamily;
  replace: ResponseFamily;
  add: ResponseFamily;
  append: ResponseFamily;
}

const ACTIONS = ['remove', 'rename', 'replace', 'add', 'append'] as const;

function readFamily(r: ConfigReader, action: (typeof ACTIONS)[number]): ResponseFamily {
  const known = action === 'remove' || action === 'rename' ? ['headers', 'json'] : ['headers', 'json', 'json_types'];
  const sub = r.sub(action, known);
  const out: ResponseFamily = { headers: [], json: [], json_types: [] };
  for (const family of ['headers', 'json'] as const) {
    sub.strList(family, []).forEach((entry, i) => {
      if (action !== 'remove' && !entry.includes(':')) {
        sub.error([family, i], `invalid value: ${entry} — ${action} entries are "name:value"`);
        return;
      }
      const pair = action === 'remove' ? { name: entry, value: '' } : splitPair(entry);
      out[family].push({ name: pair.name.trim(), value: pair.value.trim() });
    });
  }
  for (const [i, t] of sub.strList('json_types', []).entries()) {
    if (t === 'string' || t === 'number' || t === 'boolean') out.json_types.push(t);
    else sub.error(['json_types', i], `json_types[${i}] must be one of string, number, boolean`);
  }
  return out;
}

export function parseResponseTransformerConfig(raw: unknown, report: ConfigReporter): ResponseTransformerConfig {
  const r = new ConfigReader(raw, report, [...ACTIONS, 'dots_in_keys'], [], 'response-transformer');
  const out = {} as ResponseTransformerConfig;
  for (const a of ACTIONS) out[a] = readFamily(r, a);
  if (r.bool('dots_in_keys', true) && ACTIONS.some((a) => out[a].json.some((j) => j.name.includes('.')))) {
    r.warn([], 'GL_W_NO_EFFECT', 'JSON keys with dots are read as top-level keys; gatelab does not follow nested paths');
  }
  return out;
}

export function hasJsonTransforms(c: ResponseTransformerConfig): boolean {
  return ACTIONS.some((a) => c[a].json.length > 0);
}
