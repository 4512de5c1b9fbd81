/**
 * What every resilience parity case file repeats around the harness (resilience-parity.ts): scripted
 * upstreams closed after each test, the two-host run with its two agreement checks, request steps and
 * the short forms the cases compare outcomes in.
 */
import { afterEach, expect } from 'vitest';
import type { Dialect } from '../../engine/config/ir.ts';
import { describeRun, loadIr, runProxy, runSim, type Observe, type Outcome, type Step } from './resilience-parity.ts';
import { closeAll, startScriptedUpstreams, type ScriptedUpstream } from './scripted-upstream.ts';
import { kongPool } from './kong-pool.ts';
import type { FixturePod } from './traefik-route-fixture.ts';

export type Upstreams = Record<string, ScriptedUpstream>;

export interface UpstreamsPerTest {
  /** Starts `live` upstreams and `refused` ones (closed ports), named as given. */
  start(live: readonly string[], refused?: readonly string[]): Promise<Upstreams>;
  /** Takes over upstreams started another way, to close them after the test all the same. */
  adopt(upstreams: Upstreams): Upstreams;
}

/** Call once at a test file's top level: the upstreams a test starts are closed after it, pass or fail. */
export function upstreamsPerTest(): UpstreamsPerTest {
  let current: Upstreams | undefined;
  afterEach(async () => {
    await closeAll(current);
    current = undefined;
  });
  return {
    start: async (live, refused = []) => (current = await startScriptedUpstreams(live, refused)),
    adopt: (upstreams) => (current = upstreams),
  };
}

/**
 * Runs the steps on both hosts and asserts they agree; returns the (common) outcomes for the case's
 * own expectations. The sim runs first: it touches no socket, so the upstreams start as declared.
 * Each host gets its own IR, loaded from the text, so neither can see what the other did to it.
 */
export async function expectParity(format: Dialect, text: string, label: string, steps: Step[], upstreams: Upstreams, observe: Observe = {}): Promise<Outcome[]> {
  const sim = await runSim(loadIr(format, text), label, steps, upstreams, observe);
  const real = await runProxy(loadIr(format, text), label, steps, upstreams, observe);
  expect(describeRun(real), 'proxy vs simulation: status and hosts per request').toEqual(describeRun(sim));
  expect(real, 'proxy vs simulation: headers and reasons').toEqual(sim);
  return sim;
}

export const get = (path: string, extra: Partial<Step> = {}): Step => ({ path, ...extra });
export const post = (path: string, extra: Partial<Step> = {}): Step => ({ path, method: 'POST', ...extra });

/** "status hosts-tried" per request, e.g. "200 a,b". */
export const brief = (outcomes: readonly Outcome[]): string[] => outcomes.map((o) => `${o.status} ${o.tried.join()}`);
export const statuses = (outcomes: readonly Outcome[]): number[] => outcomes.map((o) => o.status);
export const answered = (outcomes: readonly Outcome[]): Array<string | null> => outcomes.map((o) => o.answeredBy);

/** An IR/Kong target entry for an upstream, with an optional weight. */
export const target = (u: ScriptedUpstream, weight?: number): string => `{target: "${u.target}"${weight !== undefined ? `, weight: ${weight}` : ''}}`;

/** Kong: upstream `pool` over a and b (in that order), service `orders` on it, route /orders. */
export const kongOrdersPool = (u: Upstreams): string => kongPool([target(u.a!), target(u.b!)]);

/** The named upstreams as Traefik fixture pods `web-<name>` on 127.0.0.1, in the order given. */
export const localPods = (upstreams: Upstreams, names: readonly string[]): FixturePod[] =>
  names.map((n) => ({ name: `web-${n}`, ip: '127.0.0.1', port: (upstreams[n] as ScriptedUpstream).port }));
