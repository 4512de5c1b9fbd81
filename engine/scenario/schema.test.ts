import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN } from '../core/duration.ts';
import { SCENARIO_SCHEMA, schemaPointerOf, validateAgainstSchema } from './schema.ts';
import { dirnameOf, joinPath } from './paths.ts';

type Node = Record<string, unknown>;

/** Every subschema with its pointer, for the structural rules below. */
function subschemas(node: unknown, at = '#', out: Array<[string, Node]> = []): Array<[string, Node]> {
  if (typeof node !== 'object' || node === null) return out;
  if (!Array.isArray(node)) out.push([at, node as Node]);
  for (const [k, v] of Object.entries(node)) subschemas(v, `${at}/${k}`, out);
  return out;
}

const defs = SCENARIO_SCHEMA.definitions as Record<string, Node>;

describe('scenario.schema.json', () => {
  it('is draft-07, for yaml-language-server', () => {
    expect(SCENARIO_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('describes every field', () => {
    const missing: string[] = [];
    for (const [at, s] of subschemas(SCENARIO_SCHEMA)) {
      if (at.endsWith('/properties') || at.includes('/required')) continue;
      if (/\/properties\/[^/]+$/.test(at) && typeof s.description !== 'string') missing.push(at);
    }
    expect(missing).toEqual([]);
  });

  it('closes every object with fixed fields', () => {
    const open = subschemas(SCENARIO_SCHEMA)
      .filter(([at, s]) => !at.endsWith('/properties') && typeof s.properties === 'object' && s.additionalProperties !== false)
      .map(([at]) => at);
    expect(open).toEqual([]);
  });

  it('validates durations with DURATION_PATTERN, the parser’s own pattern', () => {
    expect(defs.duration?.pattern).toBe(DURATION_PATTERN);
    expect(defs.latency?.pattern).toBe(DURATION_PATTERN);
    const body = DURATION_PATTERN.slice(1, -1);
    expect(defs.instant?.pattern).toBe(`^(${body}|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z)$`);
  });

  it('compiles under ajv in strict mode', () => {
    const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true });
    expect(() => ajv.compile(SCENARIO_SCHEMA)).not.toThrow();
  });

  it('accepts the resilience fields and offers degrade as an event kind', () => {
    const scenario = {
      id: 'x',
      title: 't',
      topic: 'resilience',
      summary: 's',
      start: '2026-01-01T12:00:00Z',
      duration: '2m',
      gateway: { config: {} },
      clients: [
        {
          id: 'partner',
          ip: '203.0.113.9',
          request: { url: 'http://api.example.com/pay' },
          traffic: [{ constant: { rate: '50/s' } }],
          timeout: '2s',
          retry: { attempts: 3, on: [502, 503, 504], backoff: { base: '100ms', max: '2s', jitter: 0.5 } },
        },
      ],
      backends: [{ name: 'payments', latency: '20ms', concurrency: 50, queue: 200 }],
      events: [{ at: '30s', degrade: { backend: 'payments', duration: '90s', errorRate: 1, errorStatus: 503, latency: { uniform: ['1s', '2s'] } } }],
    };
    expect(validateAgainstSchema(scenario)).toEqual([]);
    const event = defs.event as { oneOf: Array<{ required: string[] }> };
    expect(event.oneOf.map((b) => b.required)).toEqual([['outage'], ['config'], ['degrade'], ['deploy'], ['drain']]);
  });

  it('maps subschema objects back to their place', () => {
    expect(schemaPointerOf(defs.trafficItem)).toBe('#/definitions/trafficItem');
    expect(schemaPointerOf({})).toBeUndefined();
  });

  it('is named by the modeline of every fixture, with a path that resolves', () => {
    const dirs = ['engine/scenario/fixtures', 'engine/scenario/fixtures/bad'];
    for (const dir of dirs) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
        const file = `${dir}/${f}`;
        const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
        const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
        expect(m, file).not.toBeNull();
        expect(existsSync(joinPath(dirnameOf(file), m?.[1] ?? '')), file).toBe(true);
      }
    }
  });
});
