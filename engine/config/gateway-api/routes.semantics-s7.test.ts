/**
 * Semantics §7 (Gateway API HTTPRoute), the rules the coverage audit found unpinned: hostname
 * precedence by length, Exact path details, backendRef weight default and range, a partly invalid
 * rule, a Service without ready endpoints, and the timeouts check the API server makes.
 */
import { describe, expect, it } from 'vitest';
import { endpointSlice, httpRouteHead } from '../../../test/support/gateway-api-docs.ts';
import { gatewayApiIr, loadGatewayApi, MINIMAL_GATEWAY, send } from './test-kit.ts';

/** One HTTPRoute `name` on the minimal Gateway with the given spec body (indented under spec:). */
function route(name: string, spec: string): string {
  return `---
${httpRouteHead(name)}${spec.replace(/^/gm, '  ')}
`;
}

function errors(yaml: string): string[] {
  return loadGatewayApi(yaml).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

describe('semantics §7 precedence: hostname first, by characters', () => {
  // The wildcard routes match every path; only the hostname can decide between them.
  const yaml =
    MINIMAL_GATEWAY +
    route('short-wild', 'hostnames: ["*.example.com"]\nrules: [{ backendRefs: [{ name: short, port: 80 }] }]') +
    route(
      'long-wild',
      'hostnames: ["*.shop.example.com"]\nrules: [{ matches: [{ path: { type: Exact, value: /only/x } }], backendRefs: [{ name: long-exact, port: 80 }] }, { backendRefs: [{ name: long, port: 80 }] }]',
    ) +
    route('exact', 'hostnames: ["api.shop.example.com"]\nrules: [{ matches: [{ path: { type: PathPrefix, value: /only } }], backendRefs: [{ name: exact, port: 80 }] }]');
  const ir = gatewayApiIr(yaml);

  it('§7 of two matching wildcards, the one with more characters wins', async () => {
    expect((await send(ir, 'GET http://a.shop.example.com/x')).backend).toBe('long');
    expect((await send(ir, 'GET http://a.other.example.com/x')).backend).toBe('short');
  });

  it('§7 a matching non-wildcard hostname wins over every wildcard, even one with an Exact path match', async () => {
    expect((await send(ir, 'GET http://api.shop.example.com/only/x')).backend).toBe('exact');
    expect((await send(ir, 'GET http://b.shop.example.com/only/x')).backend).toBe('long-exact');
  });
});

describe('semantics §7 path match details', () => {
  const ir = gatewayApiIr(
    MINIMAL_GATEWAY +
      route('exact', 'rules: [{ matches: [{ path: { type: Exact, value: /abc } }], backendRefs: [{ name: exact, port: 80 }] }]') +
      route('default-match', 'rules: [{ matches: [{ headers: [{ name: x-default, value: "1" }] }], backendRefs: [{ name: defaulted, port: 80 }] }]'),
  );

  it.each([
    ['/abc', 'exact'],
    ['/abc/', null],
    ['/Abc', null],
    ['/abcd', null],
  ])('§7 Exact /abc vs %s → %s', async (path, backend) => {
    const r = await send(ir, `GET http://h.example${path}`);
    expect(r.backend).toBe(backend);
    if (backend === null) expect(r.status).toBe(404);
  });

  it('§7 a match without a path is PathPrefix / (type and value defaults)', async () => {
    expect((await send(ir, 'GET http://h.example/any/deep/path', { headers: { 'x-default': '1' } })).backend).toBe('defaulted');
  });
});

describe('semantics §7 backendRefs weight', () => {
  it('§7 weight defaults to 1: two unweighted backends share about half each', async () => {
    const ir = gatewayApiIr(MINIMAL_GATEWAY + route('r', 'rules: [{ backendRefs: [{ name: a, port: 80 }, { name: b, port: 80, weight: 1 }] }]'));
    expect(ir.routes[0]?.backends?.map((b) => b.weight)).toEqual([1, 1]);
    let a = 0;
    for (let seed = 1; seed <= 400; seed++) if ((await send(ir, 'GET http://h.example/', { seed })).backend === 'a') a++;
    expect(Math.abs(a / 400 - 0.5)).toBeLessThanOrEqual(0.07);
  });

  it('§7 weight range is 0–1,000,000: the bounds load, one beyond each is rejected', () => {
    const rule = (w: number) => MINIMAL_GATEWAY + route('r', `rules: [{ backendRefs: [{ name: a, port: 80, weight: ${w} }, { name: b, port: 80 }] }]`);
    expect(errors(rule(0))).toEqual([]);
    expect(errors(rule(1_000_000))).toEqual([]);
    expect(errors(rule(1_000_001))).toEqual([expect.stringContaining('weight')]);
    expect(errors(rule(-1))).toEqual([expect.stringContaining('weight')]);
  });

  it('§7 an invalid backend keeps its share, which is answered 500; the valid share is served', async () => {
    // Weight 1 each: a nonexistent Service next to a real one, end to end through the loader.
    const ir = gatewayApiIr(
      MINIMAL_GATEWAY +
        `---
apiVersion: v1
kind: Service
metadata: { name: real, namespace: default }
spec: { ports: [{ port: 80 }] }
---
${endpointSlice('real-1', 'default', 'real', '[{ addresses: ["10.0.0.1"] }]')}` +
        route('r', 'rules: [{ backendRefs: [{ name: real, port: 80 }, { name: missing, port: 80 }] }]'),
    );
    const statuses = new Set<number>();
    let failed = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = await send(ir, 'GET http://h.example/', { seed });
      statuses.add(r.status);
      if (r.status === 500) failed++;
    }
    expect([...statuses].sort()).toEqual([200, 500]);
    expect(Math.abs(failed / 200 - 0.5)).toBeLessThanOrEqual(0.1);
  });

  it('§7 a Service with no ready endpoints answers 503 (SHOULD), not 500', async () => {
    const ir = gatewayApiIr(
      MINIMAL_GATEWAY +
        `---
apiVersion: v1
kind: Service
metadata: { name: down, namespace: default }
spec: { ports: [{ port: 80 }] }
---
${endpointSlice('down-1', 'default', 'down', '[{ addresses: ["10.0.0.9"], conditions: { ready: false } }]')}` +
        route('r', 'rules: [{ backendRefs: [{ name: down, port: 80 }] }]'),
    );
    expect((await send(ir, 'GET http://h.example/')).status).toBe(503);
  });
});

describe('semantics §7 timeouts', () => {
  const timeouts = (t: string) => MINIMAL_GATEWAY + route('r', `rules: [{ backendRefs: [{ name: a, port: 80 }], timeouts: ${t} }]`);

  it('§7 backendRequest may not exceed request (one try must fit in the whole transaction)', () => {
    expect(errors(timeouts('{ request: 2s, backendRequest: 3s }'))).toEqual([expect.stringContaining('backendRequest timeout cannot be longer than request timeout')]);
    expect(errors(timeouts('{ request: 3s, backendRequest: 3s }'))).toEqual([]);
  });

  it('§7 request 0s disables the overall timeout, so any backendRequest fits', () => {
    expect(errors(timeouts('{ request: 0s, backendRequest: 30s }'))).toEqual([]);
  });
});
