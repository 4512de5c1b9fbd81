/**
 * Traefik retry `timeout` (traefik/traefik pkg/middlewares/retry/retry.go: `timedOut :=
 * r.timeout > 0 && time.Since(r.start) >= r.timeout` in the response writer's WriteHeader): once the
 * time since the middleware began the request's first attempt reaches `timeout`, the next answer or
 * network error goes to the client as it is. Through a whole simulated run: three pods that answer
 * 500 after 100 ms, `status: ["500-599"]`, 5 attempts.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.ts';
import { runVariant } from '../../runtimes/sim/run-scenario.ts';
import type { TraceEvent } from '../../trace/events.ts';
import { decideRetry } from '../../upstream/retry.ts';
import { parseRetryConfig } from './config.ts';
import { collecting } from '../kit/test-kit.ts';

const CONFIG = (retry: string) => `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: orders, namespace: shop }
spec:
  entryPoints: [web]
  routes:
    - match: PathPrefix(\`/orders\`)
      kind: Rule
      services: [{ name: orders, port: 8080 }]
      middlewares: [{ name: retry-5 }]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: retry-5, namespace: shop }
spec:
  retry: ${retry}
---
apiVersion: v1
kind: Service
metadata: { name: orders, namespace: shop }
spec:
  selector: { app: orders }
  ports: [{ port: 8080 }]
---
_gatelab:
  discovery:
    pods:
      - { name: orders-1, namespace: shop, labels: { app: orders }, ip: 10.0.3.1 }
      - { name: orders-2, namespace: shop, labels: { app: orders }, ip: 10.0.3.2 }
      - { name: orders-3, namespace: shop, labels: { app: orders }, ip: 10.0.3.3 }
`;

const SCENARIO = `id: retry-timeout
title: retry timeout
topic: resilience
summary: Every pod answers 500 after 100 ms.
tags: [test]
start: 2026-01-01T12:00:00Z
seed: 1
duration: 2s
gateway:
  format: traefik
  files: [config.yaml]
clients:
  - id: c
    ip: 198.51.100.30
    request: { url: http://shop.example.com/orders }
    traffic: [{ burst: { at: 100ms, count: 1 } }]
backends:
${['10.0.3.1', '10.0.3.2', '10.0.3.3'].map((ip) => `  - { name: ${ip}, latency: 100ms, errorRate: 1, errorStatus: 500 }`).join('\n')}
`;

async function tries(retry: string): Promise<{ sends: number; status: number | undefined; reasons: string[] }> {
  const files: Record<string, string> = { '/virtual/s.yaml': SCENARIO, '/virtual/config.yaml': CONFIG(retry) };
  const loaded = loadScenario('/virtual/s.yaml', (p) => {
    const text = files[p];
    if (text === undefined) throw new Error(`no file ${p}`);
    return text;
  });
  if (!loaded.scenario) throw new Error(JSON.stringify(loaded.diagnostics));
  const run = await runVariant(loaded.scenario, 'base', { level: 'decisions' });
  const events = run.events as TraceEvent[];
  const end = events.find((e) => e.type === 'request.end');
  return {
    sends: events.filter((e) => e.type === 'upstream.send').length,
    status: end?.type === 'request.end' ? end.status : undefined,
    reasons: events.flatMap((e) => (e.type === 'plugin.decision' && e.plugin === 'retry' ? [e.reason] : [])),
  };
}

describe('Traefik retry timeout', () => {
  it('without a timeout all 5 attempts are made; with timeout 250ms the answer at 300 ms goes out after 3', async () => {
    const all = await tries('{ attempts: 5, status: ["500-599"] }');
    expect([all.sends, all.status]).toEqual([5, 500]);
    const bounded = await tries('{ attempts: 5, status: ["500-599"], timeout: 250ms }');
    expect([bounded.sends, bounded.status]).toEqual([3, 500]);
    expect(bounded.reasons.join('\n')).toMatch(/the retry timeout has passed: 300 ms since the first attempt began \(timeout 250 ms\)/);
  });

  it('the limit is reached exactly at the timeout (>=), as retry.go compares', () => {
    const policy = parseRetryConfig({ attempts: 5, status: ['500'], timeout: '100ms' }, collecting()).policy;
    const outcome = { kind: 'response' as const, status: 500 };
    expect(decideRetry(policy, outcome, { triesSoFar: 1, method: 'GET', draw: 0.5, elapsedMs: 99.9 }).retry).toBe(true);
    expect(decideRetry(policy, outcome, { triesSoFar: 1, method: 'GET', draw: 0.5, elapsedMs: 100 }).retry).toBe(false);
    // A network error after the timeout is not retried either (retry.go checks timedOut first).
    expect(decideRetry(policy, { kind: 'failure', failure: 'connect' }, { triesSoFar: 1, method: 'GET', draw: 0.5, elapsedMs: 100 }).retry).toBe(false);
  });

  it('reads timeout as a duration (a bare number is seconds) and says it in the summary', () => {
    expect(parseRetryConfig({ attempts: 2, timeout: '1s' }, collecting()).policy.timeoutMs).toBe(1000);
    expect(parseRetryConfig({ attempts: 2, timeout: 2 }, collecting()).policy.timeoutMs).toBe(2000);
    expect(parseRetryConfig({ attempts: 2 }, collecting()).policy.timeoutMs).toBeUndefined();
    expect(parseRetryConfig({ attempts: 2, timeout: '1s' }, collecting()).summary).toContain('none once 1000 ms have passed');
  });
});
