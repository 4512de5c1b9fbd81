/**
 * The shared EndpointSlice reader (discovery.k8s.io/v1; semantics §7 "Service with no ready endpoints
 * → SHOULD 503", §10 balancing over the pods): which pods serve a Service port, and what the API
 * server refuses, reported at the slice's own line and column.
 */
import { describe, expect, it } from 'vitest';
import { parseYaml, type JsonPath } from '../yaml-source.ts';
import { EndpointSlices, type SliceObject } from './endpoint-slices.ts';

interface Said {
  kind: 'invalid' | 'unknown' | 'warn';
  at: string;
  message: string;
}

function slices(yaml: string): { index: EndpointSlices<SliceObject>; said: Said[] } {
  const parsed = parseYaml(yaml, 'slices.yaml');
  const said: Said[] = [];
  const objects: SliceObject[] = parsed.docs.map((doc) => {
    const value = doc.value as Record<string, unknown>;
    const meta = (value['metadata'] ?? {}) as Record<string, unknown>;
    return { doc, path: [], value, namespace: String(meta['namespace'] ?? 'default'), name: String(meta['name'] ?? '') };
  });
  const at = (o: SliceObject, rel: JsonPath, key = false): string => {
    const loc = o.doc.map.locate([...o.path, ...rel], { key });
    return `${loc.line}:${loc.col}`;
  };
  const index = new EndpointSlices(objects, {
    invalid: (o, rel, message) => said.push({ kind: 'invalid', at: at(o, rel), message }),
    unknownField: (o, rel, message) => said.push({ kind: 'unknown', at: at(o, rel, true), message }),
    warn: (o, rel, message) => said.push({ kind: 'warn', at: at(o, rel), message }),
  });
  return { index, said };
}

const slice = (name: string, body: string, service = 'web'): string =>
  [`apiVersion: discovery.k8s.io/v1`, `kind: EndpointSlice`, `metadata:`, `  name: ${name}`, `  namespace: shop`, `  labels: { kubernetes.io/service-name: ${service} }`, body].join('\n');

const hosts = (r: ReturnType<EndpointSlices<SliceObject>['targets']>): string[] => (r.kind === 'endpoints' ? r.targets.map((t) => `${t.host}:${t.port}`) : ['(dns)']);

describe('EndpointSlices → targets (discovery.k8s.io/v1)', () => {
  it('a Service without slices keeps its DNS target (kube-proxy balances behind it)', () => {
    const { index } = slices(slice('other-1', 'addressType: IPv4\nendpoints: [{ addresses: ["10.0.0.1"] }]', 'other'));
    expect(index.targets({ namespace: 'shop', service: 'web', port: 80 })).toEqual({ kind: 'none' });
    expect(index.has('shop', 'other')).toBe(true);
  });

  it('ready endpoints become targets with the slice port named like the Service port, weight 1', () => {
    const { index, said } = slices(
      slice('web-1', 'addressType: IPv4\nports: [{ name: metrics, port: 9090 }, { name: http, port: 8080 }]\nendpoints:\n  - addresses: ["10.0.0.1"]\n  - addresses: ["10.0.0.2"]\n    conditions: { ready: true }'),
    );
    const r = index.targets({ namespace: 'shop', service: 'web', port: 80, portName: 'http' });
    expect(hosts(r)).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(r.kind === 'endpoints' && r.targets.every((t) => t.weight === 1)).toBe(true);
    expect(said).toEqual([]);
  });

  it('conditions.ready unset counts as ready; ready: false gets no traffic (semantics §7: no ready endpoints → 503)', () => {
    const { index } = slices(slice('web-1', 'addressType: IPv4\nports: [{ port: 8080 }]\nendpoints:\n  - addresses: ["10.0.0.1"]\n    conditions: { ready: false, terminating: true }'));
    const r = index.targets({ namespace: 'shop', service: 'web', port: 80 });
    expect(r).toMatchObject({ kind: 'endpoints', targets: [], summary: '0 ready endpoints in EndpointSlices (1 not ready, so they get no traffic)' });
  });

  it('an unnamed Service port takes the only slice port; else a numeric targetPort decides', () => {
    const one = slices(slice('web-1', 'addressType: IPv4\nports: [{ name: http, port: 8080 }]\nendpoints: [{ addresses: ["10.0.0.1"] }]'));
    expect(hosts(one.index.targets({ namespace: 'shop', service: 'web', port: 80, portName: '' }))).toEqual(['10.0.0.1:8080']);
    const two = slices(slice('web-1', 'addressType: IPv4\nports: [{ name: a, port: 8080 }, { name: b, port: 9000 }]\nendpoints: [{ addresses: ["10.0.0.1"] }]'));
    expect(hosts(two.index.targets({ namespace: 'shop', service: 'web', port: 80, targetPort: 9000 }))).toEqual(['10.0.0.1:9000']);
  });

  it('a slice without a matching port serves nothing there, and says so once at its ports', () => {
    const { index, said } = slices(slice('web-1', 'addressType: IPv4\nports: [{ name: grpc, port: 9000 }]\nendpoints: [{ addresses: ["10.0.0.1"] }]'));
    expect(hosts(index.targets({ namespace: 'shop', service: 'web', port: 80, portName: 'http' }))).toEqual([]);
    index.targets({ namespace: 'shop', service: 'web', port: 80, portName: 'http' });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ kind: 'warn', at: '8:8' });
    expect(said[0]?.message).toContain('has no port for Service shop/web port 80 (named "http")');
  });

  it('slices of one Service add up; an address in two slices is one target; UDP ports never serve', () => {
    const { index } = slices(
      [
        slice('web-1', 'addressType: IPv4\nports: [{ name: http, port: 8080 }]\nendpoints: [{ addresses: ["10.0.0.1"] }]'),
        slice('web-2', 'addressType: IPv4\nports: [{ name: http, port: 8080 }, { name: dns, port: 53, protocol: UDP }]\nendpoints: [{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2"] }]'),
      ].join('\n---\n'),
    );
    expect(hosts(index.targets({ namespace: 'shop', service: 'web', port: 80, portName: 'http' }))).toEqual(['10.0.0.1:8080', '10.0.0.2:8080']);
    expect(hosts(index.targets({ namespace: 'shop', service: 'web', port: 53, portName: 'dns' }))).toEqual([]);
  });

  it('IPv6 and FQDN address types', () => {
    const { index, said } = slices(
      [
        slice('v6', 'addressType: IPv6\nports: [{ port: 8080 }]\nendpoints: [{ addresses: ["fd00::1"] }]'),
        slice('dns', 'addressType: FQDN\nports: [{ port: 443 }]\nendpoints: [{ addresses: ["api.example.com"] }]', 'ext'),
      ].join('\n---\n'),
    );
    expect(hosts(index.targets({ namespace: 'shop', service: 'web', port: 80 }))).toEqual(['fd00::1:8080']);
    expect(hosts(index.targets({ namespace: 'shop', service: 'ext', port: 443 }))).toEqual(['api.example.com:443']);
    expect(said).toEqual([]);
  });

  it('a slice without the kubernetes.io/service-name label belongs to no Service (warning at metadata)', () => {
    const { index, said } = slices('apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: { name: orphan, namespace: shop }\naddressType: IPv4');
    expect(index.has('shop', 'orphan')).toBe(false);
    expect(said).toEqual([expect.objectContaining({ kind: 'warn', at: '3:11' })]);
  });

  it('what the API server refuses is reported at its line:column and the slice is left out', () => {
    const cases: Array<[string, string, string]> = [
      ['addressType: IPv5', '7:14', 'addressType must be one of IPv4, IPv6, FQDN'],
      ['addressType: IPv4\nendpoints: [{ addresses: ["10.0.0.999"] }]', '8:27', '"10.0.0.999" is not a valid IPv4 address'],
      ['addressType: IPv4\nendpoints: [{ addresses: [] }]', '8:26', 'an endpoint needs addresses'],
      ['addressType: IPv4\nports: [{ name: HTTP, port: 80 }]', '8:17', 'port name "HTTP" is not a DNS label'],
      ['addressType: IPv4\nports: [{ port: 0 }]', '8:17', 'port must be a number from 1 to 65535'],
      ['addressType: IPv4\nendpoints: [{ addresses: ["10.0.0.1"], conditions: { ready: "yes" } }]', '8:61', 'conditions.ready must be true or false'],
    ];
    for (const [body, at, message] of cases) {
      const { index, said } = slices(slice('bad', body));
      expect(index.has('shop', 'web'), body).toBe(false);
      expect(said.find((s) => s.kind === 'invalid'), body).toMatchObject({ at });
      expect(said.find((s) => s.kind === 'invalid')?.message, body).toContain(message);
    }
  });

  it('a typo such as "adresses" or "condition" is an unknown field with the nearest name', () => {
    const { said } = slices(slice('typo', 'addressType: IPv4\nendpoints:\n  - addresses: ["10.0.0.1"]\n    condition: { ready: false }'));
    expect(said).toEqual([expect.objectContaining({ kind: 'unknown', at: '10:5' })]);
  });
});
