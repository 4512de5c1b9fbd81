/**
 * Router behaviour around the rules: priority (explicit, else the rule's length in bytes, less 2 per
 * `**.` host), entryPoints by port then scheme, TLS routers, the 404 text, the request path Traefik
 * routes on and forwards (normalised and sanitised), and the entryPoint's forwarded headers.
 * Sources: traefik/traefik pkg/muxer/http/mux_test.go (Test_addRoutePriority, TestGetRulePriority,
 * TestRoutingPath), docs/content/security/request-path.md, pkg/middlewares/forwardedheaders.
 */
import { describe, expect, it } from 'vitest';
import { loadTraefik, send, session, traefikIr } from '../config/traefik/test-kit.ts';
import { compileRule } from './traefik-rule.ts';
import { normalizePathEscapes, routingPathOf, sanitizePath } from './traefik-request.ts';

function routes(list: Array<{ name: string; rule: string; priority?: number; entryPoints?: string[]; tls?: boolean }>): string {
  return list
    .map(
      (r) => `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: ${r.name}
spec:
${r.entryPoints ? `  entryPoints: [${r.entryPoints.join(', ')}]\n` : ''}${r.tls ? '  tls: {}\n' : ''}  routes:
    - match: ${JSON.stringify(r.rule)}
${r.priority !== undefined ? `      priority: ${r.priority}\n` : ''}      services:
        - name: ${r.name}
          port: 80
`,
    )
    .join('---\n');
}

async function backendFor(yaml: string, url: string, extra: { headers?: Record<string, string> } = {}): Promise<string | null> {
  const r = await send(session(traefikIr(yaml)), { url, ...extra });
  return r.backend;
}

describe('priority (Test_addRoutePriority)', () => {
  const cases: Array<{ desc: string; path: string; list: Array<{ name: string; rule: string; priority?: number }>; want: string }> = [
    { desc: 'higher priority on second rule', path: '/my', list: [{ name: 'header1', rule: 'PathPrefix(`/my`)', priority: 10 }, { name: 'header2', rule: 'PathPrefix(`/my`)', priority: 20 }], want: 'header2' },
    { desc: 'higher priority on first rule', path: '/my', list: [{ name: 'header1', rule: 'PathPrefix(`/my`)', priority: 20 }, { name: 'header2', rule: 'PathPrefix(`/my`)', priority: 10 }], want: 'header1' },
    { desc: 'higher priority beats a longer rule', path: '/mypath', list: [{ name: 'header1', rule: 'PathPrefix(`/mypath`)', priority: 10 }, { name: 'header2', rule: 'PathPrefix(`/my`)', priority: 20 }], want: 'header2' },
    { desc: 'longest rule first (longest first)', path: '/mypath', list: [{ name: 'header1', rule: 'PathPrefix(`/mypath`)' }, { name: 'header2', rule: 'PathPrefix(`/my`)' }], want: 'header1' },
    { desc: 'longest rule first (longest second)', path: '/mypath', list: [{ name: 'header1', rule: 'PathPrefix(`/my`)' }, { name: 'header2', rule: 'PathPrefix(`/mypath`)' }], want: 'header2' },
    { desc: 'longest rule first (longest third)', path: '/mypath', list: [{ name: 'header1', rule: 'PathPrefix(`/my`)' }, { name: 'header2', rule: 'PathPrefix(`/mypa`)' }, { name: 'header3', rule: 'PathPrefix(`/mypath`)' }], want: 'header3' },
    // The docs' example: a HostRegexp rule is longer, so it wins over the exact Host unless priorities are set.
    { desc: 'docs: HostRegexp (34) beats Host (26)', path: '/', list: [{ name: 'router1', rule: 'HostRegexp(`[a-z]+\\.traefik\\.com`)' }, { name: 'router2', rule: 'Host(`foobar.traefik.com`)' }], want: 'router1' },
    { desc: 'docs: explicit priorities fix it', path: '/', list: [{ name: 'router1', rule: 'HostRegexp(`[a-z]+\\.traefik\\.com`)', priority: 1 }, { name: 'router2', rule: 'Host(`foobar.traefik.com`)', priority: 2 }], want: 'router2' },
    { desc: 'negative priorities are allowed and lose to the default', path: '/x', list: [{ name: 'neg', rule: 'PathPrefix(`/x`)', priority: -1 }, { name: 'def', rule: 'PathPrefix(`/`)' }], want: 'def' },
  ];
  for (const c of cases) {
    it(c.desc, async () => {
      const host = c.desc.startsWith('docs') ? 'foobar.traefik.com' : 'example.com';
      expect(await backendFor(routes(c.list), `http://${host}${c.path}`)).toBe(`default-${c.want}-80@kubernetescrd`);
    });
  }

  it('the default priority is the rule length in bytes (TestGetRulePriority)', () => {
    const p = (rule: string) => {
      const c = compileRule(rule);
      return c.ok ? c.defaultPriority : NaN;
    };
    expect(p('Host(`example.org`)')).toBe(19);
    expect(p('Path(`/bücher`)')).toBe(16);
    // A double wildcard's stars do not count, so it ranks below the hosts it covers.
    expect(p('Host(`**.example.org`)')).toBe(20);
    expect(p('!Host(`**.example.org`)')).toBe(23);
    expect(p('Host(`*.example.org`)')).toBe(21);
  });
});

describe('entryPoints', () => {
  const yaml = routes([
    { name: 'webonly', rule: 'PathPrefix(`/w`)', entryPoints: ['web'] },
    { name: 'secure', rule: 'PathPrefix(`/s`)', entryPoints: ['websecure'] },
    { name: 'all', rule: 'PathPrefix(`/a`)' },
  ]);
  it('web is :80, websecure :443; a route without entryPoints listens on all', async () => {
    const s = session(traefikIr(yaml));
    expect((await send(s, { url: 'http://x/w' })).status).toBe(200);
    expect((await send(s, { url: 'https://x/w' })).status).toBe(404);
    expect((await send(s, { url: 'https://x/s' })).status).toBe(200);
    expect((await send(s, { url: 'http://x/s' })).status).toBe(404);
    expect((await send(s, { url: 'http://x/a' })).status).toBe(200);
    expect((await send(s, { url: 'https://x/a' })).status).toBe(200);
  });

  it('an unknown port falls back to the entryPoint of its scheme', async () => {
    const s = session(traefikIr(yaml));
    expect((await send(s, { url: 'http://x:8000/w' })).status).toBe(200);
  });

  it('an unknown entryPoint name keeps the router off it (warned)', () => {
    const { ir, diagnostics } = loadTraefik(routes([{ name: 'r', rule: 'PathPrefix(`/`)', entryPoints: ['webb'] }]));
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/entryPoint "webb" does not exist/);
    expect(ir?.router.kind === 'traefik' && (ir.router.table as { routers: Array<{ disabled?: string }> }).routers[0]?.disabled).toMatch(/none of its entryPoints/);
  });

  it('a router with tls answers HTTPS only', async () => {
    const s = session(traefikIr(routes([{ name: 'tlsr', rule: 'PathPrefix(`/`)', entryPoints: ['web', 'websecure'], tls: true }])));
    expect((await send(s, { url: 'https://x/' })).status).toBe(200);
    expect((await send(s, { url: 'http://x/' })).status).toBe(404);
  });
});

describe('answers of its own', () => {
  it('404 page not found, as Go writes it', async () => {
    const r = await send(session(traefikIr(routes([{ name: 'r', rule: 'Host(`a.example.com`)' }]))), { url: 'http://b.example.com/' });
    expect(r.status).toBe(404);
    expect(r.response.body).toBe('404 page not found\n');
    expect(r.response.headers).toEqual({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    expect(r.upstream).toBeNull();
  });

  it('a malformed escape is a 400 before routing', async () => {
    const r = await send(session(traefikIr(routes([{ name: 'r', rule: 'PathPrefix(`/`)' }]))), { url: 'http://x/a%zz' });
    expect(r.status).toBe(400);
  });
});

describe('the request path (request-path.md, TestRoutingPath)', () => {
  it('normalises: unreserved escapes decoded, others upper-cased', () => {
    expect(normalizePathEscapes('/%7euser/%2fa%20b')).toBe('/~user/%2Fa%20b');
    expect(normalizePathEscapes('/bad%g1')).toBeUndefined();
  });

  it('sanitises: dot segments and duplicate slashes, trailing slash kept', () => {
    expect(sanitizePath('./foo/bar')).toBe('/foo/bar');
    expect(sanitizePath('/foo/../bar')).toBe('/bar');
    expect(sanitizePath('/foo/bar//')).toBe('/foo/bar/');
    expect(sanitizePath('/./foo/../bar//')).toBe('/bar/');
    expect(sanitizePath('/../../etc/passwd')).toBe('/etc/passwd');
  });

  it('routes on the decoded path but keeps reserved escapes', () => {
    expect(routingPathOf('/foo%20bar')).toBe('/foo bar');
    expect(routingPathOf('/foo%2Fbar')).toBe('/foo%2Fbar');
    expect(routingPathOf('/foo%20bar%2Fbaz%23qux')).toBe('/foo bar%2Fbaz%23qux');
  });

  it('the backend receives the sanitised path and the query as sent', async () => {
    const r = await send(session(traefikIr(routes([{ name: 'r', rule: 'PathPrefix(`/api`)' }]))), { url: 'http://x/api/../api/./v1//items?q=a%20b' });
    expect(r.upstream?.path).toBe('/api/v1/items?q=a%20b');
  });

  it('a traversal cannot escape a prefix rule', async () => {
    const r = await send(session(traefikIr(routes([{ name: 'admin', rule: 'PathPrefix(`/admin`)' }]))), { url: 'http://x/public/../admin/x' });
    expect(r.backend).toBe('default-admin-80@kubernetescrd');
    expect(r.upstream?.path).toBe('/admin/x');
  });
});

describe('forwarded headers at the entryPoint (semantics §12)', () => {
  const yaml = routes([{ name: 'r', rule: 'PathPrefix(`/`)' }]);
  it('an untrusted peer loses its X-Forwarded-*; Traefik sets its own and appends the peer', async () => {
    const r = await send(session(traefikIr(yaml)), {
      url: 'http://api.example.com:8080/x',
      clientIp: '203.0.113.9',
      headers: { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Host': 'evil', 'X_Forwarded_Proto': 'https', 'X-Real-Ip': '1.2.3.4', 'X-Forwarded-Prefix': '/admin' },
    });
    expect(r.upstream?.headers).toMatchObject({
      host: 'api.example.com:8080',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-host': 'api.example.com:8080',
      'x-forwarded-port': '8080',
      'x-forwarded-proto': 'http',
      'x-forwarded-server': 'traefik',
      'x-real-ip': '203.0.113.9',
    });
    expect(r.upstream?.headers['x-forwarded-prefix']).toBeUndefined();
    expect(r.upstream?.headers['x_forwarded_proto']).toBeUndefined();
    expect(r.upstream?.headers['via']).toBeUndefined();
  });

  it('a trusted peer keeps them; the peer is appended to X-Forwarded-For', async () => {
    const trusted = `${yaml}---\n_gatelab:\n  entryPoints:\n    web:\n      address: ":80"\n      forwardedHeaders:\n        trustedIPs: [10.0.0.0/8]\n`;
    const r = await send(session(traefikIr(trusted)), { url: 'http://api.example.com/x', clientIp: '10.1.2.3', headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https', 'X-Real-Ip': '203.0.113.7' } });
    expect(r.upstream?.headers).toMatchObject({ 'x-forwarded-for': '203.0.113.7, 10.1.2.3', 'x-forwarded-proto': 'https', 'x-real-ip': '203.0.113.7', 'x-forwarded-port': '443' });
  });

  it('hop-by-hop headers and those Connection names do not reach the backend', async () => {
    const r = await send(session(traefikIr(yaml)), { url: 'http://x/', headers: { Connection: 'keep-alive, X-Secret, X-Forwarded-Host', 'X-Secret': 's', 'Keep-Alive': '5', 'Proxy-Authorization': 'Basic x' } });
    const h = r.upstream?.headers ?? {};
    expect(h['x-secret']).toBeUndefined();
    expect(h['keep-alive']).toBeUndefined();
    expect(h['connection']).toBeUndefined();
    expect(h['proxy-authorization']).toBeUndefined();
    expect(h['x-forwarded-host']).toBe('x');
  });
});

describe('the file provider (dynamic configuration)', () => {
  const yaml = `http:
  routers:
    api:
      rule: "Host(\`example.com\`) && PathPrefix(\`/api\`)"
      service: split
      middlewares: [strip]
    fallback:
      rule: "PathPrefix(\`/\`)"
      service: whoami
      priority: 1
  services:
    whoami:
      loadBalancer:
        servers: [{ url: "http://10.0.0.1:8080" }, { url: "http://10.0.0.2:8080" }]
    split:
      weighted:
        services: [{ name: whoami, weight: 1 }, { name: gone, weight: 0 }]
    gone:
      loadBalancer:
        servers: [{ url: "http://10.0.0.9" }]
  middlewares:
    strip:
      stripPrefix: { prefixes: [/api] }
`;
  it('routes like the CRDs, with <name>@file names and the servers the file lists', async () => {
    const s = session(traefikIr(yaml));
    const r = await send(s, { url: 'http://example.com/api/orders' });
    expect(r).toMatchObject({ status: 200, route: 'api@file', backend: 'whoami@file' });
    expect(r.upstream?.path).toBe('/orders');
    expect((await send(s, { url: 'http://other.example.com/x' })).route).toBe('fallback@file');
  });
});
