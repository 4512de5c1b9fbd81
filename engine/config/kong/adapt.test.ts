import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { mergeOverlays } from '../overlay.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptKong } from './adapt.ts';
import { goldenPluginLookup } from './golden-plugins.ts';
import { kongEntityId, uuidV5 } from './uuid.ts';
import { load, ok, V } from './test-kit.ts';


describe('Kong adapter: defaults (semantics §6)', () => {
  const ir = ok(`${V}services:\n  - name: s\n    host: s.local\n    routes:\n      - name: r\n        paths: [/]\n`);

  it('§6 service defaults: protocol http, port 80, retries 5, timeouts 60000 ms', () => {
    expect(ir.services[0]).toMatchObject({ protocol: 'http', port: 80, retries: 5, connectTimeoutMs: 60000, readTimeoutMs: 60000, writeTimeoutMs: 60000 });
    expect(ir.services[0]?.path).toBeUndefined();
    expect(ir.services[0]?.targets).toEqual([{ host: 's.local', port: 80, weight: 100 }]);
  });

  it('§6 route defaults: protocols http+https, strip_path on, preserve_host off, v0, regex_priority 0, 426', () => {
    expect(ir.routes[0]).toMatchObject({
      protocols: ['http', 'https'],
      stripPath: true,
      preserveHost: false,
      pathHandling: 'v0',
      regexPriority: 0,
      httpsRedirectStatusCode: 426,
      service: 's',
    });
  });

  it('Kong router facts: 404 body and the proxy listeners', () => {
    expect(ir.router).toEqual({ kind: 'kong', notFound: { status: 404, body: '{"message":"no Route matched with those values"}' } });
    expect(ir.listeners).toEqual([
      { name: 'proxy', port: 8000, protocol: 'http' },
      { name: 'proxy-ssl', port: 8443, protocol: 'https' },
    ]);
  });
});

describe('Kong adapter: services', () => {
  it('url: https without a port means 443; a path is kept', () => {
    const ir = ok(`${V}services:\n  - name: s\n    url: https://api.internal/v2/\n`);
    expect(ir.services[0]).toMatchObject({ protocol: 'https', host: 'api.internal', port: 443, path: '/v2/' });
  });

  it('url overwrites host and warns, as Kong applies the shorthand last', () => {
    const out = load(`${V}services:\n  - name: s\n    url: http://a:1\n    host: b\n`);
    expect(out.ir?.services[0]?.host).toBe('a');
    expect(out.lines).toContain('kong.yaml:5:5: warning GL_W_NO_EFFECT: host of service "s" is overwritten by its url, as Kong does (keep either url or protocol/host/port/path)');
  });

  it('rejects non-HTTP protocols, a missing host, a bad path', () => {
    const out = load(`${V}services:\n  - name: g\n    url: grpc://g:9000\n  - name: h\n    port: 80\n  - name: p\n    host: p\n    path: nope\n`);
    expect(out.ir).toBeUndefined();
    expect(out.lines.join('\n')).toMatch(/uses protocol grpc; gatelab models HTTP and HTTPS services only/);
    expect(out.lines.join('\n')).toMatch(/service "h" needs a host/);
    expect(out.lines.join('\n')).toMatch(/kong.yaml:9:11: error GL_E_CONFIG_INVALID: the path of service "p" must start with "\/"/);
  });

  it('a service whose host names an upstream is balanced over its targets (default port 8000, weight 100)', () => {
    const ir = ok(`${V}upstreams:\n  - name: pool\n    targets:\n      - target: 10.0.0.1\n      - target: 10.0.0.2:9000\n        weight: 5\nservices:\n  - name: s\n    host: pool\n`);
    expect(ir.services[0]?.targets).toEqual([
      { host: '10.0.0.1', port: 8000, weight: 100 },
      { host: '10.0.0.2', port: 9000, weight: 5 },
    ]);
  });

  it('rejects a repeated target and a malformed one', () => {
    const out = load(`${V}upstreams:\n  - name: pool\n    targets:\n      - target: a:1\n      - target: a:1\n      - target: "a b"\n`);
    expect(out.lines.join('\n')).toMatch(/kong.yaml:6:17: error GL_E_CONFIG_REFERENCE: target a:1 appears twice/);
    expect(out.lines.join('\n')).toMatch(/Invalid target/);
  });
});

describe('Kong adapter: ids', () => {
  it('UUID v5 matches the RFC 4122 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('derives ids from names the way Kong does in DB-less mode, and keeps explicit ids', () => {
    const ir = ok(`${V}services:\n  - name: s\n    host: s\n  - name: t\n    id: 0E4C3B37-1111-4C3B-9A7C-2B8E0E6E9F00\n    host: t\n`);
    expect(ir.services[0]?.id).toBe(kongEntityId('services', 's'));
    expect(ir.services[1]?.id).toBe('0e4c3b37-1111-4c3b-9a7c-2b8e0e6e9f00');
  });

  it('ids are stable across loads, and an unnamed route still gets one', () => {
    const yaml = `${V}routes:\n  - paths: [/a]\n`;
    expect(ok(yaml).routes[0]?.id).toBe(ok(yaml).routes[0]?.id);
    expect(ok(yaml).routes[0]?.name).toBe(ok(yaml).routes[0]?.id);
  });

  it('rejects an id that is not a UUID', () => {
    expect(load(`${V}services:\n  - name: s\n    id: svc-1\n    host: s\n`).lines).toContain(
      'kong.yaml:4:9: error GL_E_CONFIG_INVALID: id of service "s" must be a UUID (remove it to let the id be derived from the name)',
    );
  });
});

describe('Kong adapter: routes', () => {
  const bad = (route: string) => load(`${V}routes:\n  - name: r\n${route}`).lines.join('\n');

  it('requires something to match on', () => {
    expect(bad('    strip_path: false\n')).toMatch(/must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http', 'https'/);
  });

  it('rejects regex paths the linear-time engine cannot run, and paths without "/" or "~/"', () => {
    expect(bad('    paths: ["~/(?=x)"]\n')).toMatch(/invalid regex path "~\/\(\?=x\)"/);
    expect(bad('    paths: [api]\n')).toMatch(/must start with "\/" \(a prefix\) or "~\/" \(a regex\)/);
    expect(bad('    paths: ["~api"]\n')).toMatch(/must start with "~\/"/);
  });

  it('rejects a host header condition, a bare string of header values, and a bad wildcard', () => {
    expect(bad('    headers: {Host: [a]}\n')).toMatch(/cannot contain 'host' header/);
    expect(bad('    headers: {X-A: b}\n')).toMatch(/must list the accepted values \(write it as a list: X-A: \["b"\]\)/);
    expect(bad('    hosts: ["a.*.com"]\n')).toMatch(/the wildcard must be the leftmost or rightmost label/);
  });

  it('rejects stream-only fields, unknown protocols and redirect codes Kong does not allow', () => {
    expect(bad('    paths: [/]\n    sources: [{ip: 10.0.0.1}]\n')).toMatch(/sources can only be set on stream routes/);
    expect(bad('    paths: [/]\n    protocols: [grpc]\n')).toMatch(/gatelab models HTTP and HTTPS routes only/);
    expect(bad('    paths: [/]\n    https_redirect_status_code: 303\n')).toMatch(/must be one of 426, 301, 302, 307, 308/);
  });

  it('a nested route takes its parent service and may not name another', () => {
    const out = load(`${V}services:\n  - name: s\n    host: s\n    routes:\n      - name: r\n        service: other\n        paths: [/]\n`);
    expect(out.lines.join('\n')).toMatch(/route "r" is nested in a service and may not name another one/);
  });

  it('header names are lower-cased in the IR, values kept as written', () => {
    const ir = ok(`${V}routes:\n  - name: r\n    headers: {X-Version: ["V2"]}\n`);
    expect(ir.routes[0]?.headers).toEqual({ 'x-version': ['V2'] });
  });
});

describe('Kong adapter: the file', () => {
  it('a missing _format_version is an error at line 1, column 1, with the fix', () => {
    const out = load('services: []\n');
    expect(out.ir).toBeUndefined();
    expect(out.lines).toEqual([
      'kong.yaml:1:1: error GL_E_CONFIG_VERSION: _format_version is missing; Kong refuses a declarative config without it (add _format_version: "3.0" at the top, or load the file with an overlay that adds it: gatelab explain --config FILE --config OVERLAY, or a scenario\'s gateway.files with gateway.overlays)',
    ]);
  });

  it('an overlay that adds _format_version makes a lesson fragment load', () => {
    const base = parseYaml('plugins:\n  - name: cors\n', 'fragment.yaml').docs[0];
    const over = parseYaml(V, 'overlay.yaml').docs[0];
    if (!base || !over) throw new Error('parse');
    const out = adaptKong([mergeOverlays(base, [over])], { plugins: goldenPluginLookup });
    expect(out.ir).toBeDefined();
    expect(out.diagnostics.map((d) => d.loc?.file)).toEqual(['fragment.yaml']);
  });

  it('rejects an unknown top-level key with the nearest known one, at the key', () => {
    expect(load(`${V}service:\n  - name: s\n`).lines).toEqual([
      'kong.yaml:2:1: error GL_E_UNKNOWN_FIELD: unknown field "service" in the top level; Kong rejects fields its schema does not define (did you mean "services"?)',
    ]);
  });

  it('accepts _comment and _ignore on entities and at the top', () => {
    ok(`${V}_comment: hi\nservices:\n  - name: s\n    host: s\n    _comment: note\n    _ignore: [x]\n`);
  });

  it('reads several documents as one config; their versions must agree', () => {
    const a = parseYaml(`${V}services:\n  - name: s\n    host: s\n`, 'a.yaml').docs;
    const b = parseYaml('_format_version: "2.1"\nroutes:\n  - name: r\n    service: s\n    paths: [/]\n', 'b.yaml').docs;
    const out = adaptKong([...a, ...b], { plugins: goldenPluginLookup });
    expect(out.diagnostics.map(formatDiagnostic)).toEqual([
      'b.yaml:1:18: error GL_E_CONFIG_VERSION: _format_version "2.1" disagrees with "3.0" given earlier (merge the files into one version)',
    ]);
  });

  it('a top level that is not a mapping is a type error, and no documents at all is an error', () => {
    expect(load('- a\n- b\n').lines[0]).toMatch(/kong.yaml:1:1: error GL_E_TYPE: a Kong declarative config is a mapping/);
    expect(adaptKong([]).diagnostics[0]?.code).toBe('GL_E_CONFIG_FORMAT');
  });
});

describe('Kong adapter: follow-up errors', () => {
  it('a route naming a service that failed to load gets no second error', () => {
    const out = load(`${V}services:\n  - name: s\n    url: not-a-url\nroutes:\n  - name: r\n    service: s\n    paths: [/]\n`);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/url of service "s" is not an absolute URL/);
  });

  it('nested credentials and targets may not name another parent', () => {
    const out = load(`${V}consumers:\n  - username: a\n    acls: [{group: g, consumer: b}]\nupstreams:\n  - name: u\n    targets: [{target: "x:1", upstream: v}]\n`);
    expect(out.lines.join('\n')).toMatch(/is nested in a consumer and may not name another one/);
    expect(out.lines.join('\n')).toMatch(/is nested in an upstream and may not name another one/);
  });
});
