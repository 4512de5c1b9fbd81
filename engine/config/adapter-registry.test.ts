/**
 * The adapter registry: what the lab's worker relies on when it fetches a dialect's adapter only for
 * a scenario that needs it. An adapter that was never prepared is refused with a diagnostic, never a
 * crash; a prepared one gives exactly what the bundled adapter gives.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdapterRegistry, ADAPTED_DIALECTS } from './adapter-registry.ts';
import { BUNDLED_ADAPTERS } from './adapters-bundled.ts';
import { loadGateway, loadGatewayWith } from './load-gateway.ts';
import { loadScenario } from '../scenario/load.ts';
import { runVariant } from '../runtimes/sim/run-scenario.ts';
import type { Dialect } from './ir.ts';
import type { GatewaySpec } from '../scenario/types.ts';

const read = (path: string): string => readFileSync(path.replace(/^\.\//, ''), 'utf8');

/** A shipped scenario's gateway per dialect (the native IR form is a variant of boundary-burst). */
const SAMPLES: Record<Dialect, { file: string; variant?: string }> = {
  kong: { file: 'scenarios/auth/auth-at-the-edge.yaml' },
  'gateway-api': { file: 'scenarios/routing/role-separation.yaml' },
  'ingress-nginx': { file: 'scenarios/routing/ingress-limit-rps.yaml' },
  traefik: { file: 'scenarios/resilience/traefik-retry-rate-limit.yaml' },
  ir: { file: 'scenarios/rate-limiting/token-bucket-flavours.yaml' },
};

function specOf(dialect: Dialect): GatewaySpec {
  const loaded = loadScenario(SAMPLES[dialect].file, read);
  if (!loaded.scenario) throw new Error(`${SAMPLES[dialect].file} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  return loaded.scenario.gateway;
}

describe('the gateway adapter registry', () => {
  it('has a loader for every dialect the bundled set has', () => {
    expect([...ADAPTED_DIALECTS].sort()).toEqual(Object.keys(BUNDLED_ADAPTERS).sort());
  });

  it.each(ADAPTED_DIALECTS)('refuses a %s config whose adapter was not prepared, with a diagnostic that names it', (dialect) => {
    const spec = specOf(dialect);
    const got = loadGatewayWith(new AdapterRegistry(), spec);
    expect(got.ir).toBeUndefined();
    expect(got.dialect).toBe(dialect);
    expect(got.diagnostics).toHaveLength(1);
    expect(got.diagnostics[0]).toMatchObject({ severity: 'error', code: 'GL_E_CONFIG_FORMAT', message: `the ${dialect} adapter is not loaded here yet (a gatelab bug, please report it)` });
    // It points at the config, like every other config diagnostic.
    expect(got.diagnostics[0]?.loc?.file).toMatch(/\.ya?ml$/);
  });

  it.each(ADAPTED_DIALECTS)('after prepare, %s loads exactly as with the bundled adapters', async (dialect) => {
    const registry = new AdapterRegistry();
    await registry.prepare([dialect]);
    expect(registry.get(dialect)).toBe(BUNDLED_ADAPTERS[dialect]);
    // Only what was asked for: the others stay unloaded.
    expect(ADAPTED_DIALECTS.filter((d) => registry.get(d) !== undefined)).toEqual([dialect]);
    const spec = specOf(dialect);
    expect(loadGatewayWith(registry, spec)).toEqual(loadGateway(spec));
  });

  it("prepares the noted dialects for 'noted', every one for 'all', and ignores names without an adapter", async () => {
    const registry = new AdapterRegistry();
    registry.note('traefik');
    registry.note('istio');
    registry.note(undefined);
    await registry.prepare('noted');
    expect(ADAPTED_DIALECTS.filter((d) => registry.get(d) !== undefined)).toEqual(['traefik']);
    expect(registry.complete).toBe(false);
    await registry.prepare('all');
    expect(registry.complete).toBe(true);
  });
});

describe('a build without bundled adapters (the lab worker)', () => {
  afterEach(() => {
    vi.doUnmock('./adapters-bundled.ts');
    vi.resetModules();
  });

  /** The engine as the lab's worker is built: adapters-on-demand.ts in place of adapters-bundled.ts. */
  async function onDemandEngine() {
    vi.resetModules();
    vi.doMock('./adapters-bundled.ts', () => import('./adapters-on-demand.ts'));
    const registry = await import('./adapter-registry.ts');
    const load = await import('../scenario/load.ts');
    const sim = await import('../runtimes/sim/run-scenario.ts');
    return { adapters: registry.GATEWAY_ADAPTERS, loadScenario: load.loadScenario, runVariant: sim.runVariant };
  }

  it('runs nothing before prepare: the run reports the missing adapter instead of crashing', async () => {
    const engine = await onDemandEngine();
    const loaded = engine.loadScenario(SAMPLES.kong.file, read);
    expect(loaded.scenario).toBeDefined();
    const run = await engine.runVariant(loaded.scenario!, 'base', { level: 'decisions' });
    expect(run.requests).toBe(0);
    expect(run.diagnostics.map((d) => d.message)).toEqual(['the kong adapter is not loaded here yet (a gatelab bug, please report it)']);
  });

  it('notes the dialect of every variant while loading, and after prepare each run has the bundled trace hash', async () => {
    const file = 'scenarios/routing/header-routing.yaml';
    const engine = await onDemandEngine();
    const loaded = engine.loadScenario(file, read);
    expect(loaded.scenario).toBeDefined();
    await engine.adapters.prepare('noted');
    // header-routing's variants are one config each in Gateway API, Traefik and ingress-nginx.
    expect(ADAPTED_DIALECTS.filter((d) => engine.adapters.get(d) !== undefined).sort()).toEqual(['gateway-api', 'ingress-nginx', 'traefik']);
    // The modules imported at the top of this file are the bundled engine's.
    const bundled = loadScenario(file, read).scenario!;
    for (const { name } of loaded.scenario!.variants) {
      const lazy = await engine.runVariant(loaded.scenario!, name, { level: 'full' });
      expect(lazy.diagnostics.filter((d) => d.severity === 'error'), name).toEqual([]);
      expect(lazy.requests, name).toBeGreaterThan(0);
      expect(lazy.traceHash, name).toBe((await runVariant(bundled, name, { level: 'full' })).traceHash);
    }
  });
});
