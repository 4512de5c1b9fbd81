/**
 * A plugin listed twice for one scope in the native IR form: the pipeline keeps only the first, so the
 * loader warns at the dropped entry's line:column. Kong refuses the same file (its plugins are unique
 * per name, route, service and consumer — the Kong adapter's uniqueness violation, adapt-plugins.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { applicablePlugins } from '../../pipeline/plugin-resolution.ts';
import type { GatewayIR } from '../ir.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptNativeIr } from './adapt.ts';
import { duplicatePluginWarnings } from './duplicate-plugins.ts';

const seed = Number(process.env['FC_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
console.log(`duplicate-plugin property seed: ${seed} (set FC_SEED=${seed} to replay)`);

const HEAD = [
  'services:',
  '  - name: orders',
  '    url: http://orders.internal:8080',
  '  - name: users',
  '    url: http://users.internal:8080',
  'routes:',
  '  - { name: orders-route, service: orders, paths: [/api/orders] }',
  '  - { name: users-route, service: users, paths: [/api/users] }',
  'plugins:',
];

function load(pluginLines: string[]) {
  const { docs, diagnostics } = parseYaml([...HEAD, ...pluginLines, ''].join('\n'), 'gateway.yaml');
  expect(diagnostics).toEqual([]);
  const out = adaptNativeIr(docs[0] as (typeof docs)[number]);
  return { ...out, lines: out.diagnostics.map(formatDiagnostic) };
}

const byId = (): number => 0;

function chosenFor(ir: GatewayIR, routeName: string | undefined) {
  const route = ir.routes.find((r) => r.name === routeName);
  const service = ir.services.find((s) => s.name === route?.service);
  return applicablePlugins(ir, route, service, byId);
}

describe('native IR: a plugin listed twice for one scope', () => {
  it('warns at the second entry, naming the first as the one that runs — and the pipeline does run the first', () => {
    const out = load([
      '  - { plugin: rate-limit, route: orders-route, config: { second: 5 } }',
      '  - { plugin: correlation-id }',
      '  - { plugin: rate-limit, route: orders-route, config: { second: 50 } }',
    ]);
    expect(out.lines).toEqual([
      "gateway.yaml:12:5: warning GL_W_NO_EFFECT: rate-limit is configured twice for route 'orders-route'; only the first entry " +
        '(at gateway.yaml:10:5) runs and this one is ignored: a scope keeps one instance of a plugin (merge the two configs ' +
        'into one entry or attach this one to another route or service; Kong would reject the file)',
    ]);
    // Still a warning, not an error: the file loads and runs.
    if (!out.ir) throw new Error('the config should load');
    const limits = chosenFor(out.ir, 'orders-route').filter((p) => p.plugin === 'rate-limit');
    expect(limits).toHaveLength(1);
    expect(limits[0]?.loc).toEqual({ file: 'gateway.yaml', line: 10, col: 5 });
    expect(limits[0]?.config).toMatchObject({ second: 5 });
  });

  it('global duplicates are named as such; one warning per dropped entry', () => {
    const out = load(['  - { plugin: correlation-id }', '  - { plugin: correlation-id }', '  - { plugin: correlation-id }']);
    expect(out.diagnostics.map((d) => [d.loc?.line, d.loc?.col, d.code])).toEqual([
      [11, 5, 'GL_W_NO_EFFECT'],
      [12, 5, 'GL_W_NO_EFFECT'],
    ]);
    expect(out.diagnostics[0]?.message).toMatch(/^correlation-id is configured twice globally; only the first entry \(at gateway.yaml:10:5\) runs/);
  });

  it('different scopes are not duplicates: the most specific instance wins per request, as in Kong', () => {
    const out = load([
      '  - { plugin: rate-limit, config: { second: 100 } }',
      '  - { plugin: rate-limit, service: orders, config: { second: 10 } }',
      '  - { plugin: rate-limit, route: orders-route, config: { second: 5 } }',
      '  - { plugin: rate-limit, route: orders-route, service: orders, config: { second: 1 } }',
      '  - { plugin: rate-limit, route: users-route, config: { second: 7 } }',
    ]);
    expect(out.lines).toEqual([]);
  });

  it('a disabled entry hides nothing and is hidden by nothing: the enabled one runs without a warning', () => {
    const out = load([
      '  - { plugin: rate-limit, route: orders-route, enabled: false, config: { second: 5 } }',
      '  - { plugin: rate-limit, route: orders-route, config: { second: 50 } }',
    ]);
    expect(out.lines).toEqual([]);
    if (!out.ir) throw new Error('the config should load');
    expect(chosenFor(out.ir, 'orders-route').find((p) => p.plugin === 'rate-limit')?.config).toMatchObject({ second: 50 });
  });

  it('in declared order (Traefik middlewares, Gateway API filters) every instance runs, so nothing is reported', () => {
    const out = load(['  - { plugin: correlation-id }', '  - { plugin: correlation-id }']);
    if (!out.ir) throw new Error('the config should load');
    expect(duplicatePluginWarnings(out.ir)).toHaveLength(1);
    expect(duplicatePluginWarnings({ ...out.ir, pluginOrder: 'declared' })).toEqual([]);
  });

  it('property: a warned entry never runs, and the entry left unwarned in its scope is the one the pipeline runs', () => {
    const scope = fc.constantFrom('', 'route: orders-route, ', 'service: orders, ', 'route: orders-route, service: orders, ', 'route: users-route, ');
    const entry = fc.record({ plugin: fc.constantFrom('correlation-id', 'rate-limit'), scope, enabled: fc.boolean() });
    // Every place a request can be: each route, and no route at all (global plugins only).
    const places = ['orders-route', 'users-route', undefined];
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), (entries) => {
        const lines = entries.map((e) => `  - { plugin: ${e.plugin}, ${e.scope}enabled: ${e.enabled}, config: ${e.plugin === 'rate-limit' ? '{ second: 1 }' : '{}'} }`);
        const { docs } = parseYaml([...HEAD, ...lines, ''].join('\n'), 'gateway.yaml');
        const out = adaptNativeIr(docs[0] as (typeof docs)[number]);
        if (!out.ir) throw new Error(out.diagnostics.map(formatDiagnostic).join('\n'));
        const ir = out.ir;
        expect(ir.plugins).toHaveLength(entries.length);
        const warned = new Set(out.diagnostics.filter((d) => d.code === 'GL_W_NO_EFFECT').map((d) => d.loc?.line));
        const ran = (plugins: GatewayIR['plugins']): Set<number | undefined> =>
          new Set(places.flatMap((r) => chosenFor({ ...ir, plugins }, r)).map((p) => p.loc?.line));
        const ranInFull = ran(ir.plugins);
        ir.plugins.forEach((p, i) => {
          const line = p.loc?.line;
          if (!p.enabled || warned.has(line)) {
            // Disabled entries are never reported; a reported entry never runs anywhere.
            expect({ entry: i, runs: ranInFull.has(line), warned: warned.has(line) }).toEqual({ entry: i, runs: false, warned: p.enabled });
            return;
          }
          // Alone with the entries of its own plugin and scope (so no more specific scope shadows it),
          // the entry the warnings left alone is the one that runs.
          const sameScope = ir.plugins.filter((q, j) => q.plugin === p.plugin && entries[j]?.scope === entries[i]?.scope);
          expect({ entry: i, runs: ran(sameScope).has(line) }).toEqual({ entry: i, runs: true });
        });
      }),
      { seed, numRuns: 200 },
    );
  });
});
