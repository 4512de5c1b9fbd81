/**
 * Words for schema errors: what kind of value a schema location holds (a duration, a rate …) and how
 * to describe values and types the way an author thinks of YAML (a mapping, a list), not JSON.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorCode } from '../core/errors.ts';

export type ValueKind = 'duration' | 'instant' | 'isoInstant' | 'rate' | 'tolerance' | 'kebab' | 'url' | 'other';

/** What a failing keyword was checking, from where it sits in the schema. */
export function valueKind(e: ErrorObject): ValueKind {
  const def = /#\/definitions\/([A-Za-z]+)\//.exec(e.schemaPath)?.[1];
  if (def === 'duration' || def === 'latency') return 'duration';
  if (def === 'instant' || def === 'isoInstant' || def === 'rate') return def;
  if (e.schemaPath.endsWith('/tolerance/pattern') || e.schemaPath.endsWith('/tolerance/minimum')) return 'tolerance';
  if (e.schemaPath.endsWith('/url/pattern')) return 'url';
  if (e.schemaPath.endsWith('/id/pattern') || e.schemaPath.endsWith('/propertyNames/pattern')) return 'kebab';
  return 'other';
}

/** Codes and hints for a value of a known kind that does not parse. */
export const KIND_TEXT: Record<Exclude<ValueKind, 'other'>, { code: ErrorCode; noun: string; hint: string }> = {
  duration: { code: 'GL_E_DURATION', noun: 'a duration', hint: 'write Go-style durations such as 59s, 1m1s, 250ms' },
  instant: {
    code: 'GL_E_INSTANT',
    noun: 'an instant',
    hint: 'write an offset from start such as 1m30s, or a UTC time such as 2026-01-01T12:01:30Z',
  },
  isoInstant: {
    code: 'GL_E_INSTANT',
    noun: 'an ISO-8601 UTC instant',
    hint: 'write YYYY-MM-DDTHH:MM:SSZ in UTC, such as 2026-01-01T12:00:00Z',
  },
  rate: { code: 'GL_E_RATE', noun: 'a rate', hint: 'write 15/s, 100/m, 900/h, or a plain number of requests per second' },
  tolerance: { code: 'GL_E_EXPECT', noun: 'a tolerance', hint: 'write an absolute number such as 5, or a percentage of approx such as "5%"' },
  kebab: { code: 'GL_E_SCHEMA', noun: 'kebab-case', hint: 'use lower-case words and digits joined by "-"' },
  url: { code: 'GL_E_SCHEMA', noun: 'an absolute http(s) URL', hint: 'write the scheme and host, such as http://api.example.com/orders' },
};

/** Choice groups ("exactly one of") by where they sit in the schema. */
export const CHOICES: Record<string, { noun: string; what?: string; code: ErrorCode; manyHint?: string }> = {
  trafficItem: { noun: 'a traffic item', code: 'GL_E_SCHEMA', manyHint: 'write each pattern as its own list item' },
  latency: { noun: 'a latency model', code: 'GL_E_SCHEMA' },
  gateway: { noun: 'a gateway', code: 'GL_E_SCHEMA', manyHint: 'keep config for inline config or files for config files, not both' },
  event: { noun: 'an event', code: 'GL_E_SCHEMA', manyHint: 'write each event as its own list item' },
  'expectation/allOf/0': { noun: 'an expectation', what: 'subject', code: 'GL_E_EXPECT', manyHint: 'write one expectation per subject' },
  'expectation/allOf/1': { noun: 'an expectation', what: 'matcher', code: 'GL_E_EXPECT' },
};

export function choiceFor(schemaPath: string): (typeof CHOICES)[string] | undefined {
  const m = /#\/definitions\/(.+)\/(?:oneOf|minProperties|maxProperties)$/.exec(schemaPath);
  return m ? CHOICES[m[1] as string] : undefined;
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'nothing',
};

export function expectedTypes(types: unknown): string {
  const list = Array.isArray(types) ? types.map(String) : String(types).split(',');
  // `integer` already implies a number, so "a number or an integer" reads as noise.
  const shown = list.includes('number') ? list.filter((t) => t !== 'integer') : list;
  const words = shown.map((t) => (t === 'boolean' && shown.length > 1 ? 'a boolean' : (TYPE_NOUNS[t] ?? t)));
  return words.length <= 1 ? (words[0] ?? 'a value') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** How YAML shows this value to its author. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a number';
  if (typeof v === 'boolean') return `${v}`;
  return 'a string';
}

/** Short text of a scalar for a message: strings quoted, everything else as YAML would print it. */
export function quote(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return describeValue(v);
}

export function firstSentence(text: unknown): string | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const end = text.search(/\.(\s|$)/);
  const s = end < 0 ? text : text.slice(0, end);
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** A kebab-case spelling of what the author wrote, offered as the fix. */
export function kebab(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Hint for a wrong type, aimed at the YAML slip that usually causes it. */
export function typeHint(expected: string, got: unknown, description: unknown, field: string): string {
  if (got === null || got === undefined) return 'give it a value, or remove the key';
  if (expected.includes('a string') && (typeof got === 'number' || typeof got === 'boolean')) {
    return 'put it in quotes: YAML reads unquoted 1.0, true or 2026 as a number or a boolean';
  }
  if (/number|integer/.test(expected) && typeof got === 'string' && got.trim() !== '' && !Number.isNaN(Number(got))) {
    return 'remove the quotes: a quoted number is a string';
  }
  if (expected.includes('a mapping') && Array.isArray(got)) return "remove the '- ' before the fields: this is one mapping, not a list";
  if (expected.includes('a list') && typeof got === 'object') return "start each item with '- '";
  if (expected.includes('a mapping') && typeof got === 'string') return 'put the fields on their own lines below the key, indented';
  const what = firstSentence(description);
  return what ? `write ${expected} here; ${field}: ${what}` : `write ${expected} here`;
}
