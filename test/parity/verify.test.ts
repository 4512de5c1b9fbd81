/**
 * `gatelab verify` on every scenario variant marked `verify: true`: the simulation's prediction
 * must come true on real sockets (issue 5). Runs one variant at a time so bursts are not slowed by
 * other tests.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findScenarioFiles } from '../../engine/cli/io.ts';
import { applyVariant, loadScenario } from '../../engine/scenario/load.ts';
import type { Scenario } from '../../engine/scenario/types.ts';
import { formatComparison } from '../../engine/runtimes/proxy/verify/compare.ts';
import { verifyVariant } from '../../engine/runtimes/proxy/verify/verify.ts';
import { ROOT } from '../support/cli.ts';
import { skipWithout } from '../support/system.ts';

const noRedis = skipWithout('redis-server');

/** Whether a variant's gateway config counts in Redis (then verify starts a real redis-server). */
function usesRedis(scenario: Scenario, variant: string): boolean {
  const s = variant === 'base' ? scenario : applyVariant(scenario, variant).scenario;
  return /"policy":"(redis|cluster)"/.test(JSON.stringify(s?.gateway.sources.map((src) => src.docs.map((d) => d.value)) ?? []));
}

const read = (p: string) => readFileSync(resolve(p), 'utf8');
// The shipped scenarios, plus fixtures that exist to be verified (a Redis-backed shared counter).
const targets = findScenarioFiles([join(ROOT, 'scenarios'), join(ROOT, 'test/parity/fixtures')]).flatMap((file) => {
  const scenario = loadScenario(file, read).scenario;
  if (!scenario) return [];
  return scenario.variants
    .filter((v) => v.verify)
    .map((v) => ({ label: `${file.slice(ROOT.length + 1)} [${v.name}]`, scenario, variant: v.name, needsRedis: usesRedis(scenario, v.name) }));
});

describe('verify: the simulation agrees with real sockets', () => {
  it('at least one scenario is marked verifiable, and one of them needs a real redis-server', () => {
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.some((t) => t.scenario.id === 'redis-shared-counter' && t.variant === 'base')).toBe(true);
  });

  const check = async (_label: string, t: (typeof targets)[number]): Promise<void> => {
    const report = await verifyVariant(t.scenario, t.variant, { tolerancePct: 0 });
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const comparison = report.comparison!;
    expect(comparison.pass, `${formatComparison(comparison)}\nworst arrival lag ${report.maxSendLagMs} ms`).toBe(true);
    expect(comparison.compared).toBeGreaterThan(0);
  };
  const plain = targets.filter((t) => !t.needsRedis).map((t) => [t.label, t] as const);
  const withRedis = targets.filter((t) => t.needsRedis).map((t) => [t.label, t] as const);
  it.each(plain)('%s', check, 180_000);
  it.skipIf(!!noRedis).each(withRedis)(`%s (real redis-server)${noRedis ? ` — ${noRedis}` : ''}`, check, 180_000);
});
