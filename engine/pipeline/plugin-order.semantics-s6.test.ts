/**
 * Semantics §6, "Plugin priorities" and "Phases", through the Kong dialect end to end: higher priority
 * runs first in every phase (the response phase too, not reversed as in Envoy's filter chain), the
 * rewrite phase runs global plugins only (the router has not run yet), and the YAML order never matters.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayIR, PluginInstanceIR } from '../config/ir.ts';
import { createExplainSession } from '../runtimes/sim/explain.ts';
import { globalPlugins } from './plugin-resolution.ts';
import { KONG_ORDERS, kongIr as kong } from './test-kit.ts';

async function send(ir: GatewayIR, headers: Array<[string, string]> = []) {
  const session = createExplainSession(ir, 1);
  return session.send({ method: 'GET', url: 'http://api.example.com/orders/1', headers, clientIp: '203.0.113.9', now: Date.UTC(2026, 0, 1, 12), seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
}

const stagesOf = (r: Awaited<ReturnType<typeof send>>) => r.decisions.map((d) => `${d.plugin}:${d.phase}`);

/** Written lowest priority first, so only the priorities can put them in Kong's order. */
const REVERSED = `${KONG_ORDERS}plugins:
  - name: response-transformer
    config: { remove: { headers: [Kong-Request-ID] } }
  - name: request-transformer
    config: { add: { headers: ["X-Gateway:kong"] } }
  - name: key-auth
    config: { key_names: [X-API-Key] }
  - name: correlation-id
    config: { echo_downstream: true }
consumers:
  - username: partner
    keyauth_credentials: [{ key: partner-key }]
`;

describe('semantics §6 plugin priorities and phases (Kong)', () => {
  it('§6 access: correlation-id 100001 → key-auth 1250 → request-transformer 801, whatever the YAML order', async () => {
    const r = await send(kong(REVERSED), [['X-API-Key', 'partner-key']]);
    expect(r.status).toBe(200);
    const access = stagesOf(r).filter((s) => s.endsWith(':access') && !s.startsWith('router') && !s.startsWith('balancer'));
    expect(access).toEqual(['correlation-id:access', 'key-auth:access', 'request-transformer:access']);
  });

  it('§6 response phase: higher priority first too — correlation-id (100001) echoes the id, then response-transformer (800) removes it', async () => {
    const r = await send(kong(REVERSED), [['X-API-Key', 'partner-key']]);
    const response = stagesOf(r).filter((s) => s.endsWith(':response'));
    expect(response).toEqual(['correlation-id:response', 'response-transformer:response']);
    // Were the order reversed, the echoed id would be added after the removal and reach the client.
    expect(r.response.headers['kong-request-id']).toBeUndefined();
    // Without the removal the client does get the echoed id (so the check above is not vacuous).
    const kept = await send(kong(REVERSED.replace('remove: { headers: [Kong-Request-ID] }', 'remove: { headers: [X-Other] }')), [['X-API-Key', 'partner-key']]);
    expect(kept.response.headers['kong-request-id']).toMatch(/#1$/);
  });

  it('§6 a plugin of lower priority cannot help one of higher priority: the key request-transformer would add comes too late for key-auth', async () => {
    const ir = kong(REVERSED.replace('"X-Gateway:kong"', '"X-API-Key:partner-key"'));
    const r = await send(ir);
    expect(r.status).toBe(401);
    expect(stagesOf(r)).not.toContain('request-transformer:access');
  });

  it('§6 rewrite runs global plugins only: a route-scoped instance first runs in access', () => {
    const inst = (id: string, scope: PluginInstanceIR['scope'], plugin = 'opentelemetry'): PluginInstanceIR => ({ instanceId: id, plugin, vendorName: plugin, config: {}, scope, enabled: true });
    const ir = {
      plugins: [inst('route-otel', { route: 'r1' }), inst('global-cid', {}, 'correlation-id'), inst('service-cid', { service: 's1' }, 'correlation-id'), inst('consumer-otel', { consumer: 'c1' })],
      pluginOrder: 'priority',
    } as unknown as GatewayIR;
    expect(globalPlugins(ir, () => 1).map((p) => p.instanceId)).toEqual(['global-cid']);
  });

  it('§6 rewrite vs access end to end: a global opentelemetry starts in rewrite, a route-scoped one in access', async () => {
    const base = KONG_ORDERS;
    const global = await send(kong(`${base}plugins:\n  - name: opentelemetry\n    config: {}\n`));
    expect(stagesOf(global)).toContain('opentelemetry:rewrite');
    const scoped = await send(kong(`${base}        plugins:\n          - name: opentelemetry\n            config: {}\n`));
    expect(stagesOf(scoped)).not.toContain('opentelemetry:rewrite');
    expect(stagesOf(scoped)).toContain('opentelemetry:access');
  });
});
