/**
 * Traefik's ipAllowList (and ipWhiteList) through the Traefik dialect, end to end. Rules cite
 * traefik/traefik pkg/middlewares/ipallowlist/ip_allowlist.go (`New`, `ServeHTTP`, `reject`),
 * pkg/ip/checker.go (`IsAuthorized`, `Contains`), pkg/ip/strategy.go and semantics §4 (ipStrategy;
 * the entryPoint strips X-Forwarded-For from an untrusted peer).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { loadTraefik, send, session } from '../../config/traefik/test-kit.ts';
import { findVendorPlugin } from '../index.ts';
import { ipRestrictionPlugin } from './plugin.ts';

/** Middleware `allow` on a catch-all route; the entryPoint trusts 10.0.0.0/8's forwarded headers. */
const config = (spec: string, type = 'ipAllowList'): string => `_gatelab:
  entryPoints:
    web: { address: ":80", forwardedHeaders: { trustedIPs: [10.0.0.0/8] } }
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: allow }
spec:
  ${type}:
${spec}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: r }
spec:
  entryPoints: [web]
  routes: [{ match: "PathPrefix(\`/\`)", kind: Rule, middlewares: [{ name: allow }], services: [{ name: s, port: 80 }] }]
`;

function load(spec: string, type?: string) {
  const { ir, diagnostics } = loadTraefik(config(spec, type), 't.yaml');
  return { ir, lines: diagnostics.map(formatDiagnostic) };
}

async function get(spec: string, clientIp: string, xff?: string) {
  const { ir, lines } = load(spec);
  if (!ir) throw new Error(lines.join('\n'));
  const r = await send(session(ir), { url: 'http://api.example.com/x', clientIp, ...(xff ? { headers: { 'X-Forwarded-For': xff } } : {}) });
  const d = r.decisions.find((x) => x.plugin === 'ip-restriction');
  return { status: r.status, body: r.response.body, headers: r.response.headers, reason: d?.reason ?? '' };
}

describe('Traefik ipAllowList (ip_allowlist.go ServeHTTP)', () => {
  it('ipAllowList and ipWhiteList are the Traefik names of ip-restriction', () => {
    expect(findVendorPlugin('traefik', 'ipAllowList')).toBe(ipRestrictionPlugin);
    expect(findVendorPlugin('traefik', 'ipWhiteList')).toBe(ipRestrictionPlugin);
  });

  it('without ipStrategy the remote address is checked; outside sourceRange → 403 and the body "Forbidden" (reject)', async () => {
    const spec = '    sourceRange: [198.51.100.0/24, "2001:db8::/32"]';
    expect((await get(spec, '198.51.100.10')).status).toBe(200);
    expect((await get(spec, '2001:db8::1')).status).toBe(200);
    const no = await get(spec, '203.0.113.5');
    expect(no.status).toBe(403);
    expect(no.body).toBe('Forbidden');
    expect(no.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(no.reason).toContain('ipAllowList: client 203.0.113.5 (source is the remote address 203.0.113.5) is not in sourceRange 198.51.100.0/24, 2001:db8::/32 → 403 Forbidden');
  });

  it('ipStrategy.depth 1 checks the rightmost X-Forwarded-For entry (strategy.go DepthStrategy)', async () => {
    const spec = '    sourceRange: [192.168.0.0/16]\n    ipStrategy: { depth: 1 }';
    const no = await get(spec, '10.0.0.5', '192.168.1.1, 10.1.2.3');
    expect(no.status).toBe(403);
    expect(no.reason).toContain('client 10.1.2.3 (ipStrategy.depth=1: the 1st X-Forwarded-For entry from the right is 10.1.2.3) is not in sourceRange 192.168.0.0/16 → 403 Forbidden');
    expect((await get(spec, '10.0.0.5', '10.1.2.3, 192.168.1.1')).status).toBe(200);
  });

  it('an X-Forwarded-For shorter than depth gives "", which IsAuthorized refuses ("empty IP address")', async () => {
    const r = await get('    sourceRange: [0.0.0.0/0]\n    ipStrategy: { depth: 2 }', '10.0.0.5', '192.168.1.1');
    expect(r.status).toBe(403);
    expect(r.reason).toContain('(empty IP address)');
  });

  it('an entry that is not an address is refused; host:port is split off (checker.go IsAuthorized)', async () => {
    const spec = '    sourceRange: [192.168.0.0/16]\n    ipStrategy: { depth: 1 }';
    expect((await get(spec, '10.0.0.5', 'unknown')).reason).toContain('unable to parse address: unknown');
    expect((await get(spec, '10.0.0.5', '192.168.1.1:5678')).status).toBe(200);
  });

  it('excludedIPs skips the listed proxies from the right', async () => {
    const r = await get('    sourceRange: [192.168.0.0/16]\n    ipStrategy: { excludedIPs: [10.0.0.0/8] }', '10.0.0.5', '192.168.4.4, 10.9.9.9');
    expect(r.status).toBe(200);
    expect(r.reason).toContain('192.168.4.4 is the first not excluded');
  });

  it('from an untrusted peer the entryPoint removed X-Forwarded-For, so depth finds nothing (§4)', async () => {
    const r = await get('    sourceRange: [192.168.0.0/16]\n    ipStrategy: { depth: 1 }', '203.0.113.7', '192.168.1.1');
    expect(r.status).toBe(403);
  });

  it('a mapped sourceRange is read as the IPv4 range it embeds, as Go does', async () => {
    expect((await get('    sourceRange: ["::ffff:10.0.0.0/104"]', '10.1.2.3')).status).toBe(200);
  });

  it('rejectStatusCode replaces 403, and the body is Go\'s text for it', async () => {
    const r = await get('    sourceRange: [192.168.0.0/16]\n    rejectStatusCode: 404', '203.0.113.7');
    expect(r.status).toBe(404);
    expect(r.body).toBe('Not Found');
  });
});

describe('Traefik ipAllowList in the adapter (ip_allowlist.go New)', () => {
  it('an empty sourceRange: Traefik refuses the middleware, its routers are not served', () => {
    expect(load('    sourceRange: []').lines).toEqual([
      expect.stringContaining('t.yaml:10:5: warning GL_W_ROUTE_NOT_SERVED: ipAllowList of Middleware default/allow: sourceRange is empty, IPAllowLister not created; Traefik refuses the middleware'),
      expect.stringMatching(/^t\.yaml:17:66: warning GL_W_ROUTE_NOT_SERVED: router \S+ is not served: ipAllowList/),
    ]);
  });

  it('an entry that is neither a CIDR nor an IP, or a status Go has no text for, is refused too', () => {
    expect(load('    sourceRange: [10.0.0.0/8, office]').lines.join('\n')).toContain('cannot parse CIDRs [10.0.0.0/8 office]');
    expect(load('    sourceRange: [10.0.0.0/8]\n    rejectStatusCode: 499').lines.join('\n')).toContain('invalid HTTP status code 499');
  });

  it('ipWhiteList runs the same check, warned as deprecated, and has no rejectStatusCode', () => {
    const r = load('    sourceRange: [10.0.0.0/8]\n    rejectStatusCode: 404', 'ipWhiteList');
    expect(r.lines).toEqual([
      expect.stringContaining('t.yaml:10:5: warning GL_W_DEPRECATED: Middleware of type IPWhiteList is deprecated'),
      expect.stringContaining('t.yaml:11:5: warning GL_W_UNKNOWN_FIELD: unknown field "rejectStatusCode" in ipWhiteList'),
    ]);
    expect(r.ir?.plugins[0]?.plugin).toBe('ip-restriction');
  });

  it('the file provider reads ipAllowList the same way (http.middlewares)', async () => {
    const yaml = `http:
  routers:
    r: { rule: "PathPrefix(\`/\`)", service: s, middlewares: [office] }
  middlewares:
    office:
      ipAllowList: { sourceRange: [192.168.0.0/16], rejectStatusCode: 401 }
  services:
    s: { loadBalancer: { servers: [{ url: "http://10.0.0.1:80" }] } }
`;
    const { ir, diagnostics } = loadTraefik(yaml, 'f.yaml');
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    if (!ir) throw new Error('no ir');
    const r = await send(session(ir), { url: 'http://api.example.com/x', clientIp: '203.0.113.7' });
    expect(r.status).toBe(401);
    expect(r.response.body).toBe('Unauthorized');
    expect((await send(session(ir), { url: 'http://api.example.com/x', clientIp: '192.168.3.3' })).status).toBe(200);
  });
});
