/**
 * The shape of an upstream's `healthchecks` record as Kong 3.x declares it
 * (kong/db/schema/entities/upstreams.lua): every field, its type and range. Reading checks the record
 * the way Kong's schema does — an unknown field or a bad value is an error at its line:column — and
 * returns only the values that passed, so the mapping can fill Kong's defaults for the rest.
 */
import { type AdaptContext, type EntityNode, isRecord } from './context.ts';
import { suggestion } from './nearest.ts';
import { describe } from './read.ts';
import type { JsonPath } from '../yaml-source.ts';

type Leaf = 'seconds' | 'count' | 'positive' | 'statuses' | 'path' | 'type' | 'bool' | 'string' | 'headers' | 'percent';
interface Shape {
  [field: string]: Leaf | Shape;
}

const STATUSES = { http_statuses: 'statuses' } as const;
const FAILURES = { tcp_failures: 'count', timeouts: 'count', http_failures: 'count' } as const;

export const HEALTHCHECKS_SHAPE: Shape = {
  active: {
    type: 'type',
    timeout: 'seconds',
    concurrency: 'positive',
    http_path: 'path',
    headers: 'headers',
    https_sni: 'string',
    https_verify_certificate: 'bool',
    healthy: { interval: 'seconds', successes: 'count', ...STATUSES },
    unhealthy: { interval: 'seconds', ...STATUSES, ...FAILURES },
  },
  passive: {
    type: 'type',
    healthy: { successes: 'count', ...STATUSES },
    unhealthy: { ...STATUSES, ...FAILURES },
  },
  threshold: 'percent',
};

/** Validated values by dotted path ("active.healthy.interval"); absent when unset, null or invalid. */
export type HealthValues = Map<string, unknown>;

const CHECK_TYPES = ['tcp', 'http', 'https', 'grpc', 'grpcs'];

export function readHealthchecks(ctx: AdaptContext, node: EntityNode): HealthValues {
  const out: HealthValues = new Map();
  const raw = node.value['healthchecks'];
  if (raw === undefined || raw === null) return out;
  walk(ctx, node, ['healthchecks'], raw, HEALTHCHECKS_SHAPE, out);
  return out;
}

function walk(ctx: AdaptContext, node: EntityNode, rel: Array<string>, value: unknown, shape: Shape, out: HealthValues): void {
  const path: JsonPath = [...node.path, ...rel];
  const name = rel.join('.');
  if (!isRecord(value)) {
    ctx.error(node.doc, path, 'GL_E_TYPE', `${name} of ${node.label} must be a mapping, not ${describe(value)}`);
    return;
  }
  const known = Object.keys(shape);
  for (const [key, v] of Object.entries(value)) {
    const spec = shape[key];
    if (spec === undefined) {
      ctx.error(node.doc, [...path, key], 'GL_E_UNKNOWN_FIELD', `unknown field "${key}" in ${name} of ${node.label}; Kong rejects fields its schema does not define`, suggestion(key, known, 'fields'), true);
      continue;
    }
    if (v === undefined || v === null) continue;
    if (typeof spec === 'object') {
      walk(ctx, node, [...rel, key], v, spec, out);
      continue;
    }
    const problem = check(spec, v);
    const dotted = [...rel.slice(1), key].join('.');
    if (problem) ctx.error(node.doc, [...path, key], problem.code, `${name}.${key} of ${node.label} ${problem.message}`, problem.hint);
    else out.set(dotted, v);
  }
}

interface Problem {
  code: 'GL_E_TYPE' | 'GL_E_CONFIG_INVALID';
  message: string;
  hint?: string;
}

function check(leaf: Leaf, v: unknown): Problem | undefined {
  const type = (want: string): Problem => ({ code: 'GL_E_TYPE', message: `must be ${want}, not ${describe(v)}` });
  const range = (lo: number, hi: number, integer: boolean): Problem | undefined => {
    if (typeof v !== 'number' || (integer && !Number.isInteger(v))) return type(integer ? 'an integer' : 'a number');
    return v < lo || v > hi ? { code: 'GL_E_CONFIG_INVALID', message: `must be between ${lo} and ${hi}, not ${v}` } : undefined;
  };
  switch (leaf) {
    case 'seconds':
      return range(0, 65535, false);
    case 'count':
      return range(0, 2 ** 31, true);
    case 'positive':
      return range(1, 2 ** 31, true);
    case 'percent':
      return range(0, 100, false);
    case 'bool':
      return typeof v === 'boolean' ? undefined : type('true or false');
    case 'string':
      return typeof v === 'string' ? undefined : type('a string');
    case 'headers':
      return isRecord(v) ? undefined : type('a mapping of header names to lists of values');
    case 'path':
      if (typeof v !== 'string') return type('a string');
      return v.startsWith('/') ? undefined : { code: 'GL_E_CONFIG_INVALID', message: `must start with "/": "${v}"` };
    case 'type':
      if (typeof v !== 'string') return type('a string');
      return CHECK_TYPES.includes(v) ? undefined : { code: 'GL_E_CONFIG_INVALID', message: `must be one of ${CHECK_TYPES.join(', ')}, not "${v}"`, hint: suggestion(v, CHECK_TYPES, 'values') };
    case 'statuses':
      if (!Array.isArray(v)) return type('a list of HTTP status codes');
      return v.every((s) => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 999)
        ? undefined
        : { code: 'GL_E_CONFIG_INVALID', message: 'must list integers between 100 and 999' };
  }
}
