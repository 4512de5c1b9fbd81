/**
 * Traefik's active healthCheck (../shared/semantics.md feature table, "Active health checks": Traefik),
 * simulation against `gatelab serve`'s proxy on real sockets (127.0.0.1
 * only), as traefik/traefik pkg/healthcheck/healthcheck.go runs it: healthy servers probed every
 * interval, unhealthy ones every unhealthyInterval, one result deciding (ServiceHealthChecker
 * healthcheck: SetStatus after every probe); and with passiveHealthCheck beside it, the passive take-out
 * with no failureWindow timer, ended by a passing probe on the interval ticker
 * (PassiveServiceHealthChecker, hasActiveHealthCheck). The instants differ between the virtual clock
 * and real timers, so both hosts must agree on the moves (with reasons) and on who gets traffic
 * between them; the simulation's instants are pinned too. test/parity/active-health.test.ts is the
 * same harness for Kong and the native IR.
 */
import { describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import type { BreakerTransitionEvent, TraceEvent, UpstreamSendEvent } from '../../engine/trace/events.ts';
import { upstreamsPerTest, type Upstreams } from '../support/parity-case.ts';
import { loadIr } from '../support/resilience-parity.ts';
import { UPSTREAM_NAME_HEADER, type ScriptedUpstream } from '../support/scripted-upstream.ts';

const upstreams = upstreamsPerTest();
const DEADLINE_MS = 5_000;
const REQUESTS = 6;

type Rule = 'active' | 'active-passive';

/** interval and when the simulated a recovers, per case (unhealthyInterval is 100 ms in both). */
const CASE = {
  // a fails the 300 ms probe, is probed every 100 ms, recovers at 1050 ms: back at 1100 ms.
  active: { interval: 300, recovers: 1_050 },
  // The passive check takes a out on its second 500; a recovers at 500 ms, but nothing probes it until
  // the interval ticker at 1000 ms (the active checker still counts it healthy).
  'active-passive': { interval: 1_000, recovers: 500 },
} as const;

function gatewayConfig(rule: Rule, u: Upstreams): string {
  const url = (n: string): string => `http://127.0.0.1:${(u[n] as ScriptedUpstream).port}`;
  return `http:
  routers:
    pool:
      rule: PathPrefix(\`/who\`)
      service: pool
  services:
    pool:
      loadBalancer:
        servers: [{ url: "${url('a')}" }, { url: "${url('b')}" }]
        healthCheck: { path: /healthz, interval: ${CASE[rule].interval}ms, unhealthyInterval: 100ms, timeout: 1s }
${rule === 'active-passive' ? '        passiveHealthCheck: { maxFailedAttempts: 2, failureWindow: 10s }\n' : ''}`;
}

const isMove = (e: TraceEvent): e is BreakerTransitionEvent => e.type === 'breaker.transition' && (e.machine === 'active-health' || e.machine === 'passive-health');
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

function moveLine(e: BreakerTransitionEvent, names: ReadonlyMap<string, string>): string {
  let text = `${e.machine} ${e.subject}: ${e.from} -> ${e.to} (${e.reason})`;
  for (const [target, name] of names) text = text.replaceAll(target, name);
  return text;
}

interface Facts {
  moves: string[];
  whileOut: string[];
  afterBack: string[];
}

async function simFacts(rule: Rule, u: Upstreams): Promise<Facts & { at: number[] }> {
  const names = new Map(Object.values(u).map((x) => [x.target, x.name]));
  const a = (u.a as ScriptedUpstream).target;
  const b = (u.b as ScriptedUpstream).target;
  const scenario = `id: traefik-health-check-parity
title: traefik health check parity
summary: a fails, leaves the load balancer and comes back
topic: resilience
start: 2026-01-01T12:00:00Z
seed: 1
duration: 2s
gateway: {format: traefik, files: [gateway.yaml]}
clients:
  - {id: c, ip: 198.51.100.7, request: {url: http://api.example.com/who}, traffic: [{constant: {rate: 50/s}}]}
backends:
  - {name: "${a}", latency: 1ms}
  - {name: "${b}", latency: 1ms}
events:
  - {at: 0s, degrade: {backend: "${a}", duration: ${CASE[rule].recovers}ms, errorRate: 1, errorStatus: 500}}
`;
  const config = gatewayConfig(rule, u);
  const loaded = loadScenarioText(scenario, 'traefik-health-check-parity.yaml', (p) => {
    if (p.endsWith('gateway.yaml')) return config;
    throw new Error(`unexpected read of ${p}`);
  });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const run = await runVariant(loaded.scenario!, 'base', { level: 'decisions' });
  const moves = run.events.filter(isMove);
  expect(moves, 'the simulation moves a out, then back').toHaveLength(2);
  const [out, back] = moves as [BreakerTransitionEvent, BreakerTransitionEvent];
  const sends = run.events.filter((e): e is UpstreamSendEvent => e.type === 'upstream.send');
  const during = (from: number, to: number): string[] => sorted(sends.filter((s) => s.t > from && s.t < to).map((s) => names.get(s.target) ?? s.target));
  return { moves: moves.map((m) => moveLine(m, names)), whileOut: during(out.t, back.t), afterBack: during(back.t, Infinity), at: [out.t, back.t] };
}

async function proxyFacts(rule: Rule, u: Upstreams): Promise<Facts> {
  const names = new Map(Object.values(u).map((x) => [x.target, x.name]));
  const a = u.a as ScriptedUpstream;
  a.status = 500;
  const proxy = new ProxyServer({ ir: loadIr('traefik', gatewayConfig(rule, u)), port: 0, store: localStore(() => Date.now()), level: 'decisions' });
  const agent = new Agent({ connections: 2 });
  await proxy.start();
  const moves = (): BreakerTransitionEvent[] => proxy.sink.recent().filter(isMove);
  const waitForMoves = async (n: number): Promise<void> => {
    const deadline = Date.now() + DEADLINE_MS;
    while (moves().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(moves().map((m) => moveLine(m, names)), `move ${n} within ${DEADLINE_MS} ms`).toHaveLength(n);
  };
  const answeredBy = async (count = REQUESTS): Promise<string[]> => {
    const who: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await request(`http://127.0.0.1:${proxy.port}/who`, { headers: { host: 'api.example.com' }, dispatcher: agent });
      await res.body.text();
      who.push(`${res.headers[UPSTREAM_NAME_HEADER] ?? `the gateway (${res.statusCode})`}`);
    }
    return sorted(who);
  };
  try {
    // The passive check moves on real requests: send them (bounded) until a is out.
    for (let i = 0; rule === 'active-passive' && i < 8 && moves().length === 0; i++) await answeredBy(1);
    await waitForMoves(1);
    const whileOut = await answeredBy();
    a.status = 200;
    await waitForMoves(2);
    const afterBack = await answeredBy();
    return { moves: moves().map((m) => moveLine(m, names)), whileOut, afterBack };
  } finally {
    await proxy.drain(1000);
    await agent.close();
  }
}

const EXPECTED: Record<Rule, string[]> = {
  active: [
    'active-health pool@file a: healthy -> unhealthy (healthCheck probe of /healthz on a answered 500, not 2xx or 3xx: one failed probe takes it out of the load balancer (Traefik has no unhealthy threshold); from now on it is probed every unhealthyInterval 100 ms)',
    'active-health pool@file a: unhealthy -> healthy (healthCheck probe of /healthz on a answered 200 (2xx or 3xx): one passing probe puts it back (Traefik has no healthy threshold); it is probed every interval 300 ms again)',
  ],
  'active-passive': [
    'passive-health pool@file a: healthy -> unhealthy (HTTP 500 from a: 2 failures within failureWindow 10 s ≥ maxFailedAttempts 2 — Traefik takes it out of the load balancer and, with healthCheck on the service, starts no failureWindow timer: the next passing healthCheck probe puts it back)',
    'active-health pool@file a: unhealthy -> healthy (healthCheck probe of /healthz on a answered 200 (2xx or 3xx): it is back: with healthCheck on the service, passiveHealthCheck took it out without a failureWindow timer and left its return to this probe (Traefik\'s SetStatus(true) after every passing probe))',
  ],
};

describe('Traefik healthCheck, simulation vs proxy', () => {
  it.each(['active', 'active-passive'] as const)(
    '%s: a leaves the load balancer, only b gets traffic, and a passing probe brings a back',
    async (rule) => {
      const u = await upstreams.start(['a', 'b']);
      const sim = await simFacts(rule, u);
      const real = await proxyFacts(rule, u);
      const { at, ...simmed } = sim;
      expect(real, 'proxy vs simulation').toEqual(simmed);
      expect(sim.moves).toEqual(EXPECTED[rule]);
      expect(sim.whileOut).toEqual(['b']);
      expect(sim.afterBack).toEqual(['a', 'b']);
      if (rule === 'active') expect(at).toEqual([300, 1_100]);
      else {
        // Out on a's second 500 (its requests at 0 and 40 ms); back at the first interval tick.
        expect(at[0]).toBeLessThan(100);
        expect(at[1]).toBe(1_000);
      }
    },
    20_000,
  );
});
