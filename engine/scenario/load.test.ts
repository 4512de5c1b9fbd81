import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/errors.ts';
import { loadScenario, loadScenarioText, scenarioVariants } from './load.ts';
import type { Scenario } from './types.ts';

const FIX = 'engine/scenario/fixtures';
const readFile = (p: string): string => readFileSync(p, 'utf8');

function loadGood(): Scenario {
  const r = loadScenario(`${FIX}/good.yaml`, readFile);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  if (!r.scenario) throw new Error('good.yaml did not load');
  return r.scenario;
}

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('loadScenario on the complete fixture', () => {
  it('converts the header fields', () => {
    const s = loadGood();
    expect({ id: s.id, title: s.title, topic: s.topic, tags: s.tags, start: s.start, seed: s.seed, durationMs: s.durationMs }).toEqual({
      id: 'everything-once',
      title: 'Every field of the scenario format, once',
      topic: 'basics',
      tags: ['fixture', 'loader'],
      start: START,
      seed: 42,
      durationMs: 120_000,
    });
    expect(s.replicas).toBe(2);
    expect(s.frontBalancer).toBe('ip-hash');
    expect(s.network).toEqual({ clientToGateway: { kind: 'constant', ms: 5 }, gatewayToBackend: { kind: 'uniform', minMs: 1, maxMs: 3 } });
    expect(s.variant).toBe('base');
  });

  it('converts clients: header pairs, JSON bodies, every traffic kind, ISO instants and rates per second', () => {
    const [burster, steady] = loadGood().clients;
    expect(burster).toEqual({
      id: 'burster',
      ip: '203.0.113.7',
      request: {
        method: 'GET',
        url: 'http://api.example.com/api/orders',
        headers: [
          ['x-api-key', 'secret'],
          ['accept', 'application/json'],
          ['accept', 'text/plain'],
        ],
      },
      traffic: [
        { kind: 'burst', atMs: 59_000, count: 100, spacingMs: 0 },
        { kind: 'burst', atMs: 61_000, count: 10, spacingMs: 100 },
      ],
    });
    expect(steady?.request).toEqual({ method: 'POST', url: 'https://api.example.com/api/orders', headers: [], body: '{"item":42}' });
    expect(steady?.traffic).toEqual([
      { kind: 'constant', rate: 15, fromMs: 10_000, toMs: 20_000 },
      { kind: 'poisson', rate: 100 / 60, fromMs: 0, toMs: 120_000 },
      { kind: 'ramp', startRate: 0.25, endRate: 2, fromMs: 60_000, toMs: 120_000 },
      { kind: 'list', atMs: [0, 5_250, 90_000] },
    ]);
  });

  it('converts backends with defaults and every latency model', () => {
    expect(loadGood().backends).toEqual([
      {
        name: 'orders-api',
        latency: { kind: 'lognormal', p50Ms: 20, p99Ms: 80 },
        errorRate: 0.01,
        errorStatus: 503,
        status: 200,
        headers: [['x-backend', 'orders']],
        body: 'ok',
      },
      { name: 'slow', latency: { kind: 'normal', meanMs: 1000, stddevMs: 100 }, errorRate: 0, errorStatus: 500, status: 200, headers: [] },
    ]);
  });

  it('keeps inline config pointing into the scenario and reads files and overlays beside it', () => {
    const s = loadGood();
    expect(s.gateway.format).toBe('kong');
    const [inline] = s.gateway.sources;
    expect(inline?.file).toBe(`${FIX}/good.yaml`);
    expect((inline?.docs[0]?.value as { _format_version: string })._format_version).toBe('3.0');
    // The service's url is on line 16 of good.yaml, column 14.
    expect(inline?.docs[0]?.map.locate(['services', 0, 'url'])).toEqual({ file: `${FIX}/good.yaml`, line: 16, col: 14 });
    expect(s.gateway.overlays.map((o) => o.file)).toEqual([`${FIX}/configs/limit-overlay.yaml`]);
    expect(s.gateway.overlays[0]?.docs[0]?.map.locate(['plugins', 0, 'name'])).toEqual({ file: `${FIX}/configs/limit-overlay.yaml`, line: 2, col: 11 });
  });

  it('sorts events and narration by instant and reads config events from files', () => {
    const s = loadGood();
    expect(s.events.map((e) => [e.kind, e.atMs])).toEqual([
      ['outage', 30_000],
      ['config', 90_000],
    ]);
    expect(s.events[0]).toEqual({ kind: 'outage', atMs: 30_000, target: 'slow', durationMs: 10_000 });
    const config = s.events[1];
    expect(config?.kind === 'config' && config.gateway.sources[0]?.file).toBe(`${FIX}/configs/kong-v2.yaml`);
    expect(s.narration).toEqual([
      { atMs: 0, text: 'first' },
      { atMs: 60_000, text: 'second' },
    ]);
  });

  it('lists variants base first and scopes variant expectations to their variant', () => {
    const s = loadGood();
    expect(scenarioVariants(s).map((v) => [v.name, v.verify, v.path])).toEqual([
      ['base', false, []],
      ['no-overlay', true, ['variants', 'no-overlay']],
      ['other-config', false, ['variants', 'other-config']],
    ]);
    const scoped = s.expect.find((e) => e.path.join('/') === 'variants/no-overlay/expect/0');
    expect(scoped?.variants).toEqual(['no-overlay']);
    expect(scoped?.name).toBe('count of client burster in [0s, end)');
  });

  it('converts every expectation subject and matcher, and collects snapshot instants', () => {
    const s = loadGood();
    const top = s.expect.filter((e) => e.path[0] === 'expect');
    expect(top.map((e) => [e.subject, e.matcher])).toEqual([
      [{ kind: 'count', client: 'burster', status: 200, fromMs: 59_000, toMs: 62_000 }, { equals: 110 }],
      [{ kind: 'status', request: 'burster-1' }, { between: [200, 299] }],
      [{ kind: 'decision', request: 'burster-101', plugin: 'rate-limit', field: 'reason' }, { contains: 'window' }],
      [{ kind: 'header', request: 'burster-1', name: 'X-RateLimit-Remaining-Minute', side: 'response' }, { equals: '99' }],
      [
        { kind: 'latency', client: 'steady', percentile: 99, measure: 'upstream', fromMs: 0, toMs: 60_000 },
        { approx: 80, tolerance: 0.1, relative: true },
      ],
      [{ kind: 'state', atMs: 60_000, plugin: 'rate-limit', replica: 'gw-1', path: 'window.count' }, { approx: 100, tolerance: 5, relative: false }],
      [{ kind: 'state', atMs: 30_000, plugin: 'rate-limit', replica: 'gw-0', path: 'tokens' }, { equals: 0 }],
    ]);
    expect(top[0]?.name).toBe('all admitted around the boundary');
    expect(top[0]?.variants).toEqual(['base']);
    expect(top[1]?.variants).toBeUndefined();
    expect(s.snapshotsAtMs).toEqual([30_000, 60_000]);
  });

  it('reports an unreadable scenario file as GL_E_FILE', () => {
    const r = loadScenario('nope.yaml', () => {
      throw new Error('ENOENT');
    });
    expect(r.scenario).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(["nope.yaml:1:1: error GL_E_FILE: cannot read scenario 'nope.yaml': ENOENT (check the path)"]);
  });

  it('loads from text with the same result as from a file', () => {
    const text = readFile(`${FIX}/good.yaml`);
    const r = loadScenarioText(text, `${FIX}/good.yaml`, readFile);
    expect(r.scenario?.clients).toEqual(loadGood().clients);
  });
});

describe('edge cases of the file itself', () => {
  it('an empty file, or one with only the modeline, says so', () => {
    for (const text of ['', '# yaml-language-server: $schema=../scenario.schema.json\n']) {
      const r = loadScenarioText(text, 'e.yaml', readFile);
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([
        'e.yaml:1:1: error GL_E_SCHEMA: the scenario file is empty (write the scenario fields: id, title, topic, summary, start, duration, gateway, clients)',
      ]);
    }
  });

  it('a second YAML document is an error at its start', () => {
    const text = `${readFile(`${FIX}/good.yaml`)}---\nid: again\n`;
    const r = loadScenarioText(text, `${FIX}/good.yaml`, readFile);
    expect(r.diagnostics.map((d) => [d.loc?.line, d.message])).toEqual([[105, 'a scenario file holds exactly one YAML document, found 2']]);
  });

  it('a header value of the wrong type lists what it may be', () => {
    const text = readFile(`${FIX}/good.yaml`).replace('x-api-key: secret', 'x-api-key: { a: 1 }');
    const r = loadScenarioText(text, `${FIX}/good.yaml`, readFile);
    expect(r.diagnostics.map((d) => [d.loc?.line, d.loc?.col, d.message])).toEqual([[32, 20, 'expected a string, a number, a boolean or a list, got a mapping']]);
  });
});

describe('docs/scenario-format.md', () => {
  it('its complete example loads without a diagnostic, variants included', () => {
    const doc = readFile('docs/scenario-format.md');
    const example = /```yaml\n(# yaml-language-server[^\n]*\nid: [\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const r = loadScenarioText(example as string, 'scenarios/rate-limiting/example.yaml', (p) => {
      if (p === 'scenarios/rate-limiting/overlays/redis-policy.yaml') return 'plugins: []\n';
      throw new Error(`unexpected read of ${p}`);
    });
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.scenario?.variants.map((v) => v.name)).toEqual(['base', 'same-window']);
  });
});
