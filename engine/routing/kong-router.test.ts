import { describe, expect, it } from 'vitest';
import { adaptKong } from '../config/kong/adapt.ts';
import { goldenPluginLookup } from '../config/kong/golden-plugins.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import { type KongMatchRequest, type KongRouteMatch, type KongRouterReply, createKongRouter } from './kong-router.ts';

function router(yaml: string) {
  const { docs, diagnostics } = parseYaml(`_format_version: "3.0"\n${yaml}`, 'kong.yaml');
  expect(diagnostics).toEqual([]);
  const result = adaptKong(docs, { plugins: goldenPluginLookup });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!result.ir) throw new Error('no IR');
  return createKongRouter(result.ir);
}

function req(path: string, extra: Partial<KongMatchRequest> & { headerList?: Array<[string, string]> } = {}): KongMatchRequest {
  const { headerList, ...rest } = extra;
  return { method: 'GET', scheme: 'http', host: 'api.example.com', port: 8000, path, headers: new HeaderMap(headerList ?? []), ...rest };
}

function hit(r: ReturnType<typeof router>, request: KongMatchRequest): KongRouteMatch {
  const out = r.match(request);
  if (!('route' in out)) throw new Error(`expected a match, got ${out.status}: ${out.reason}`);
  return out;
}

function miss(r: ReturnType<typeof router>, request: KongMatchRequest): KongRouterReply {
  const out = r.match(request);
  if ('route' in out) throw new Error(`expected no match, got ${out.route.name}`);
  return out;
}

const svc = (name: string, routes: string) => `  - name: ${name}\n    url: http://${name}:8080\n    routes:\n${routes}`;

describe('Kong router: paths (semantics §6)', () => {
  const r = router(`services:\n${svc('orders', '      - name: v1-route\n        paths: [/api/v1]\n      - name: orders-route\n        paths: [/api/v1/orders]\n')}`);

  it('answers each request from its own hits, misses and one- and two-hit matches taking turns', () => {
    // The hit list starts as one shared empty list per router (kong-router.ts): no request may leave
    // anything in it for the next.
    for (let round = 0; round < 3; round++) {
      expect(miss(r, req('/elsewhere')).status).toBe(404);
      expect(hit(r, req('/api/v10')).candidates).toBe(1);
      const two = hit(r, req('/api/v1/orders/1'));
      expect([two.route.name, two.candidates]).toEqual(['orders-route', 2]);
      expect(hit(r, req('/api/v1/x')).reason).toBe('route v1-route: path prefix /api/v1 matched (the only route that matched)');
    }
  });

  it('§6 (5) the longest prefix wins, and the reason says why', () => {
    const m = hit(r, req('/api/v1/orders/123'));
    expect(m.route.name).toBe('orders-route');
    expect(m.reason).toBe('route orders-route: path prefix /api/v1/orders matched (longest of 2 candidates)');
    expect(m.candidates).toBe(2);
  });

  it('§6 a plain path is a character prefix, not a segment prefix (/api/v1/orders matches /api/v1/ordersXYZ)', () => {
    expect(hit(r, req('/api/v1/ordersXYZ')).route.name).toBe('orders-route');
    expect(hit(r, req('/api/v10')).route.name).toBe('v1-route');
  });

  it('§6 strip_path applies to the matched prefix: lesson exercise 1, /api/v1/orders/123 → /123', () => {
    const m = hit(r, req('/api/v1/orders/123', { query: 'x=1' }));
    expect(m.matchedPrefix).toBe('/api/v1/orders');
    expect(m.upstreamPath).toBe('/123?x=1');
  });

  it('§6 the request path is normalised before matching (dot segments, //, %-encoded unreserved characters)', () => {
    expect(hit(r, req('/api/v2/../v1//orders/1')).route.name).toBe('orders-route');
    expect(hit(r, req('/%61pi/v1/%6Frders')).route.name).toBe('orders-route');
    expect(hit(r, req('/api/v2/../v1//orders/1')).normalizedPath).toBe('/api/v1/orders/1');
  });

  it('keeps a ?query on the path out of matching and in the upstream path', () => {
    const m = hit(r, req('/api/v1/orders/7?expand=items'));
    expect(m.upstreamPath).toBe('/7?expand=items');
  });

  it('§6 404 with Kong\'s body when nothing matches, naming the closest route', () => {
    const out = miss(r, req('/health'));
    expect(out.status).toBe(404);
    expect(JSON.parse(out.body)).toEqual({ message: 'no Route matched with those values' });
    expect(out.reason).toContain('no route matched GET api.example.com/health');
    expect(out.reason).toContain('does not start with /api/v1');
  });
});

describe('Kong router: regex paths (semantics §6)', () => {
  const r = router(
    `services:\n${svc(
      's',
      [
        '      - name: long-prefix',
        '        paths: [/users/12345/profile]',
        '      - name: by-id',
        '        paths: ["~/users/(?<id>\\\\d+)"]',
        '      - name: by-id-important',
        '        paths: ["~/users/\\\\d+/profile$"]',
        '        regex_priority: 5',
        '',
      ].join('\n'),
    )}`,
  );

  it('§6 (4) any regex path beats prefix paths, however long the prefix', () => {
    expect(hit(r, req('/users/12345/profile/x')).route.name).toBe('by-id');
  });

  it('§6 (4) among regex routes the higher regex_priority wins', () => {
    const m = hit(r, req('/users/12345/profile'));
    expect(m.route.name).toBe('by-id-important');
    expect(m.reason).toContain('higher regex_priority than route by-id: 5 vs 0');
  });

  it('§6 regex paths are anchored at the start', () => {
    expect(miss(r, req('/x/users/1/profile')).status).toBe(404);
    expect(miss(r, req('/x/users/1')).status).toBe(404);
  });

  it('§6 strip_path strips exactly the text the regex matched', () => {
    const m = hit(r, req('/users/42/orders'));
    expect(m.matchedPrefix).toBe('/users/42');
    expect(m.upstreamPath).toBe('/orders');
  });
});

describe('Kong router: hosts, methods, headers (semantics §6)', () => {
  const r = router(
    `services:\n${svc(
      's',
      [
        '      - name: any-host',
        '        paths: [/api]',
        '      - name: wildcard-host',
        '        hosts: ["*.example.com"]',
        '        paths: [/]',
        '      - name: plain-host',
        '        hosts: [api.example.com]',
        '        paths: [/]',
        '      - name: suffix-wildcard',
        '        hosts: ["example.*"]',
        '      - name: tls-port',
        '        hosts: ["secure.example.com:8443"]',
        '        paths: [/]',
        '      - name: posts',
        '        methods: [POST]',
        '        paths: [/api]',
        '      - name: beta',
        '        headers:',
        '          X-Version: ["~*^beta"]',
        '        paths: [/api]',
        '      - name: v2',
        '        headers:',
        '          X-Version: ["2", "two"]',
        '          X-Tenant: [acme]',
        '        paths: [/api]',
        '',
      ].join('\n'),
    )}`,
  );

  it('§6 (1) a route matching on more fields beats a longer path', () => {
    // plain-host: hosts + paths (2 fields) beats any-host: paths only (1 field), though /api is longer than /.
    expect(hit(r, req('/api/x')).route.name).toBe('plain-host');
  });

  it('§6 (2) plain hosts beat wildcard hosts', () => {
    const m = hit(r, req('/x'));
    expect(m.route.name).toBe('plain-host');
    expect(m.reason).toContain('plain hosts beat the wildcard host of route wildcard-host');
  });

  it('§6 host wildcards: *.example.com matches any depth below, not example.com itself; example.* matches any suffix', () => {
    expect(hit(r, req('/x', { host: 'a.b.example.com' })).route.name).toBe('wildcard-host');
    expect(hit(r, req('/x', { host: 'example.org' })).route.name).toBe('suffix-wildcard');
    expect(miss(r, req('/x', { host: 'example' })).status).toBe(404);
  });

  it('§6 a host with a port only matches requests on that listener port; the Host header port is ignored', () => {
    expect(hit(r, req('/x', { host: 'secure.example.com', port: 8443, scheme: 'https' })).route.name).toBe('tls-port');
    // On port 8000 the port-bound host does not apply; the wildcard route takes the request instead.
    expect(hit(r, req('/x', { host: 'secure.example.com:8443', port: 8000 })).route.name).toBe('wildcard-host');
  });

  it('§6 hosts compare case-insensitively and without the Host header port', () => {
    expect(hit(r, req('/x', { host: 'API.Example.com:8000' })).route.name).toBe('plain-host');
  });

  it('§6 methods must match exactly; a method route outranks a path-only route', () => {
    expect(hit(r, req('/api', { method: 'POST', host: 'other.net' })).route.name).toBe('posts');
    expect(hit(r, req('/api', { method: 'GET', host: 'other.net' })).route.name).toBe('any-host');
  });

  it('§6 (3) more header conditions win; names and values compare case-insensitively; any listed value matches', () => {
    const h: Array<[string, string]> = [
      ['x-version', 'Beta-1'],
      ['x-version', 'TWO'],
      ['X-TENANT', 'Acme'],
    ];
    const m = hit(r, req('/api', { host: 'other.net', headerList: h }));
    expect(m.route.name).toBe('v2');
    expect(m.reason).toContain('more header conditions than route beta: 2 vs 1');
  });

  it('§6 a ~* header value is a case-insensitive regex', () => {
    expect(hit(r, req('/api', { host: 'other.net', headerList: [['X-Version', 'BETA-3']] })).route.name).toBe('beta');
  });

  it('§6 a repeated request header matches when any of its values does', () => {
    const h: Array<[string, string]> = [
      ['X-Version', 'alpha'],
      ['X-Version', 'beta'],
    ];
    expect(hit(r, req('/api', { host: 'other.net', headerList: h })).route.name).toBe('beta');
  });
});

describe('Kong router: ties and split routes (semantics §6)', () => {
  it('§6 routes equal on every rule: the higher route id wins (Kong\'s ATC order), not the file order', () => {
    const r = router(`services:\n${svc('s', '      - name: alpha\n        paths: [/same]\n      - name: beta\n        paths: [/same]\n')}`);
    const m = hit(r, req('/same'));
    const ids = r.matchers.map((x) => ({ name: x.route.name, id: x.id }));
    const winner = [...ids].sort((a, b) => (a.id < b.id ? 1 : -1))[0];
    expect(m.route.name).toBe(winner?.name);
    expect(m.reason).toContain('tied with route');
    expect(m.reason).toContain('higher route id first');
  });

  it('§6 a route whose paths differ in length is split: each path competes with its own length', () => {
    const r = router(
      `services:\n${svc('s', '      - name: short-and-long\n        paths: [/a, /abc/def]\n      - name: middle\n        paths: [/abc]\n')}`,
    );
    expect(hit(r, req('/abc/def/x')).route.name).toBe('short-and-long');
    expect(hit(r, req('/abc/x')).route.name).toBe('middle');
    expect(hit(r, req('/ax')).route.name).toBe('short-and-long');
    expect(r.matchers).toHaveLength(3);
  });
});

describe('Kong router: protocols (semantics §6)', () => {
  const r = router(
    `services:\n${svc(
      's',
      [
        '      - name: tls-only',
        '        paths: [/secure]',
        '        protocols: [https]',
        '      - name: tls-redirect',
        '        paths: [/moved]',
        '        protocols: [https]',
        '        https_redirect_status_code: 301',
        '      - name: plain-only',
        '        paths: [/plain]',
        '        protocols: [http]',
        '',
      ].join('\n'),
    )}`,
  );

  it('§6 an https-only route reached over http answers 426 with Kong\'s body and Upgrade headers', () => {
    const out = miss(r, req('/secure'));
    expect(out.status).toBe(426);
    expect(JSON.parse(out.body)).toEqual({ message: 'Please use HTTPS protocol' });
    expect(out.headers).toContainEqual(['Upgrade', 'TLS/1.2, HTTP/1.1']);
  });

  it('§6 https_redirect_status_code 301 redirects to the https URL, query kept', () => {
    const out = miss(r, req('/moved/x', { query: 'a=1' }));
    expect(out.status).toBe(301);
    expect(out.headers).toContainEqual(['Location', 'https://api.example.com/moved/x?a=1']);
  });

  it('§6 X-Forwarded-Proto https from a trusted peer counts as TLS', () => {
    expect(hit(r, req('/secure', { forwardedProto: 'https' })).route.name).toBe('tls-only');
    expect(hit(r, req('/secure', { scheme: 'https', port: 8443 })).route.name).toBe('tls-only');
  });

  it('§6 an http-only route is still served over https (Kong checks one direction only)', () => {
    expect(hit(r, req('/plain', { scheme: 'https', port: 8443 })).route.name).toBe('plain-only');
  });
});

describe('Kong router: services and upstream paths', () => {
  it('§6 uses the service path and v0 rules for the upstream path', () => {
    const r = router('services:\n  - name: s\n    url: http://s:8080/bar\n    routes:\n      - name: foo\n        paths: [/foo]\n');
    expect(hit(r, req('/foobar')).upstreamPath).toBe('/bar/bar');
    expect(hit(r, req('/foo/')).upstreamPath).toBe('/bar/');
  });

  it('§6 path_handling v1 on a route is ignored: traditional_compatible uses v0', () => {
    const { docs } = parseYaml(
      '_format_version: "3.0"\nservices:\n  - name: s\n    url: http://s:8080/bar\n    routes:\n      - name: foo\n        paths: [/foo]\n        path_handling: v1\n',
      'k.yaml',
    );
    const { ir } = adaptKong(docs, { plugins: goldenPluginLookup });
    if (!ir) throw new Error('no IR');
    const m = createKongRouter({ ...ir, routes: ir.routes.map((x) => ({ ...x, pathHandling: 'v1' as const })) }).match(req('/foobar'));
    expect('route' in m && m.upstreamPath).toBe('/bar/bar');
  });

  it('a route without a service matches with service undefined', () => {
    const r = router('routes:\n  - name: lonely\n    paths: [/x]\n');
    expect(hit(r, req('/x')).service).toBeUndefined();
  });
});
