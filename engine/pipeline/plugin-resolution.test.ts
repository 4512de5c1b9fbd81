/**
 * Kong's plugin precedence with consumers (semantics §6, "Plugin priorities", and Kong's precedence
 * rules): consumer+route+service > consumer+route > consumer+service > route+service > consumer >
 * route > service > global; and after an auth plugin identifies the consumer, the access plugins still
 * to run are chosen for that consumer.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayIR, PluginInstanceIR } from '../config/ir.ts';
import { loadGateway } from '../config/load-gateway.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { createExplainSession } from '../runtimes/sim/explain.ts';
import { applicablePlugins, precedence } from './plugin-resolution.ts';

function kong(yaml: string): GatewayIR {
  const loaded = loadGateway({ sources: [{ file: 'k.yaml', docs: parseYaml(yaml, 'k.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

const inst = (scope: PluginInstanceIR['scope'], id = JSON.stringify(scope)): PluginInstanceIR => ({ instanceId: id, plugin: 'rate-limit', vendorName: 'rate-limiting', config: {}, scope, enabled: true });

describe('plugin resolution with consumers (Kong precedence)', () => {
  it('ranks the eight scopes in Kong\'s order (route+service outranks a bare consumer)', () => {
    const order = [
      { consumer: 'c', route: 'r', service: 's' },
      { consumer: 'c', route: 'r' },
      { consumer: 'c', service: 's' },
      { route: 'r', service: 's' },
      { consumer: 'c' },
      { route: 'r' },
      { service: 's' },
      {},
    ].map((s) => precedence(inst(s)));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(new Set(order).size).toBe(8);
  });

  it('a consumer-scoped instance applies only once that consumer is known; then it beats a route-only instance, not a route+service one', () => {
    const ir = { plugins: [inst({ route: 'r1' }, 'route'), inst({ consumer: 'c1' }, 'consumer')], pluginOrder: 'priority' } as unknown as GatewayIR;
    const route = { id: 'r1', name: 'r' } as never;
    expect(applicablePlugins(ir, route, undefined, () => 1).map((p) => p.instanceId)).toEqual(['route']);
    const c1 = { id: 'c1', groups: [], credentials: [] };
    expect(applicablePlugins(ir, route, undefined, () => 1, c1).map((p) => p.instanceId)).toEqual(['consumer']);
    const both = { plugins: [inst({ route: 'r1', service: 's1' }, 'route+service'), inst({ consumer: 'c1' }, 'consumer')], pluginOrder: 'priority' } as unknown as GatewayIR;
    expect(applicablePlugins(both, route, { id: 's1', name: 's' } as never, () => 1, c1).map((p) => p.instanceId)).toEqual(['route+service']);
  });
});

const TIERS = `_format_version: "3.0"
services:
  - name: partner-api
    url: http://partner.internal:8080
    routes:
      - name: partner-route
        paths: [/partner]
    plugins:
      - name: key-auth
        config: { key_names: [X-API-Key], hide_credentials: true }
      - name: rate-limiting
        config: { minute: 1, limit_by: consumer }
consumers:
  - username: free-partner
    keyauth_credentials: [{ key: free-key }]
    plugins:
      - name: rate-limiting
        config: { minute: 2, limit_by: consumer }
  - username: paid-partner
    keyauth_credentials: [{ key: paid-key }]
    plugins:
      - name: rate-limiting
        config: { minute: 4, limit_by: consumer }
  - username: plain-partner
    keyauth_credentials: [{ key: plain-key }]
`;

describe('consumer re-resolution in the gateway', () => {
  const send = async (key: string, n: number) => {
    const session = createExplainSession(kong(TIERS), 1);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < n; i++) {
      last = await session.send({ method: 'GET', url: 'http://api.example.com/partner/x', headers: [['X-API-Key', key]], clientIp: '203.0.113.9', now: Date.UTC(2026, 0, 1, 12), seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
      statuses.push(last.status);
    }
    return { statuses, last };
  };

  it('after key-auth names the consumer, that consumer\'s rate-limiting instance runs instead of the service\'s', async () => {
    expect((await send('free-key', 3)).statuses).toEqual([200, 200, 429]);
    expect((await send('paid-key', 5)).statuses).toEqual([200, 200, 200, 200, 429]);
    // A consumer without an instance of its own keeps the service-scoped one.
    expect((await send('plain-key', 2)).statuses).toEqual([200, 429]);
  });

  it('the response phase uses the consumer\'s instance too (its headers show its limit)', async () => {
    const { last } = await send('paid-key', 1);
    expect(last?.response.headers['x-ratelimit-limit-minute']).toBe('4');
    expect(last?.decisions.map((d) => `${d.plugin}:${d.phase}`)).toEqual(['router:access', 'key-auth:access', 'rate-limit:access', 'balancer:access', 'rate-limit:response']);
  });
});
