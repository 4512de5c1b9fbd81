/**
 * Path and host matching as ingress-nginx does it, ported from kubernetes/ingress-nginx
 * test/e2e/ingress/{pathtype_prefix,pathtype_exact,pathtype_mixed,without_host}.go,
 * test/e2e/annotations/rewrite.go and docs/user-guide/ingress-path-matching.md. Status 200 with the
 * expected backend, or the default backend's 404.
 */
import { describe, expect, it } from 'vitest';
import { ask, docs, ingress } from './test-kit.ts';

const via = async (yaml: string, url: string) => {
  const r = await ask(yaml, url);
  return { status: r.status, route: r.route, backend: r.backend, path: r.upstream?.path ?? null, location: r.redirect?.location ?? null };
};

describe('pathType Prefix is segment-wise (e2e pathtype_prefix.go)', () => {
  const yaml = ingress('exact', 'prefix.path', [['/aaa', 'Prefix', 'echo']]);
  it.each([
    ['/aaa', 200],
    ['/aaacccc', 404],
    ['/aaa/cccc', 200],
    ['/aaa/', 200],
  ])('%s → %i', async (path, status) => {
    expect((await via(yaml, `http://prefix.path${path}`)).status).toBe(status);
  });
  it('the 404 comes from the default backend, with no route', async () => {
    const r = await ask(yaml, 'http://prefix.path/aaacccc');
    expect(r.route).toBeNull();
    expect(r.backend).toBeNull();
    expect(r.response.body).toBe('default backend - 404');
  });
});

describe('Exact beats Prefix on the same path; the first Ingress wins a duplicate (e2e pathtype_exact.go)', () => {
  const yaml = docs(
    ingress('exact', 'exact.path', [['/exact', 'Exact', 'exact-svc']]),
    ingress('exact-suffix', 'exact.path', [['/exact', 'Prefix', 'prefix-svc']]),
    ingress('duplicated-prefix', 'exact.path', [['/exact', 'Prefix', 'dup-svc']]),
  );
  it('/exact → the Exact location', async () => expect(await via(yaml, 'http://exact.path/exact')).toMatchObject({ backend: 'exact-svc', route: 'default/exact' }));
  it('/exact/suffix → the first Prefix Ingress, not the duplicate', async () => expect(await via(yaml, 'http://exact.path/exact/suffix')).toMatchObject({ backend: 'prefix-svc', route: 'default/exact-suffix' }));
});

describe('Exact and Prefix mixed at / and /foo (e2e pathtype_mixed.go)', () => {
  const yaml = docs(
    ingress('exact-root', 'mixed.path', [['/', 'Exact', 'exact-root']]),
    ingress('prefix-root', 'mixed.path', [['/', 'Prefix', 'prefix-root']]),
    ingress('exact-foo', 'mixed.path', [['/foo', 'Exact', 'exact-foo']]),
    ingress('prefix-foo', 'mixed.path', [['/foo', 'Prefix', 'prefix-foo']]),
  );
  it.each([
    ['/', 'exact-root'],
    ['/bar', 'prefix-root'],
    ['/foo', 'exact-foo'],
    ['/foo/bar', 'prefix-foo'],
    ['/foobar', 'prefix-root'],
  ])('%s → %s', async (path, backend) => expect((await via(yaml, `http://mixed.path${path}`)).backend).toBe(backend));
});

describe('ImplementationSpecific is Prefix in ingress-nginx (k8s.SetDefaultNGINXPathType)', () => {
  const yaml = ingress('impl', 'impl.example.com', [['/foo', 'ImplementationSpecific', 'svc']]);
  it.each([
    ['/foo', 200],
    ['/foo/x', 200],
    ['/foobar', 404],
  ])('%s → %i', async (path, status) => expect((await via(yaml, `http://impl.example.com${path}`)).status).toBe(status));
});

describe('a Prefix path ending in / (location /foo/ and = /foo/)', () => {
  const yaml = ingress('slash', 'slash.example.com', [['/foo/', 'Prefix', 'svc']]);
  it('/foo/ and /foo/x match', async () => {
    expect((await via(yaml, 'http://slash.example.com/foo/')).status).toBe(200);
    expect((await via(yaml, 'http://slash.example.com/foo/x')).status).toBe(200);
  });
  it('/foo gets nginx\'s 301 to /foo/ (auto_redirect), keeping the query', async () => {
    expect(await via(yaml, 'http://slash.example.com/foo?a=1')).toMatchObject({ status: 301, location: 'http://slash.example.com/foo/?a=1' });
  });
});

describe('longest prefix wins without regex', () => {
  const yaml = ingress('many', 'api.example.com', [
    ['/', 'Prefix', 'root'],
    ['/api', 'Prefix', 'api'],
    ['/api/v1', 'Prefix', 'v1'],
    ['/api/v1/users', 'Exact', 'users-exact'],
  ]);
  it.each([
    ['/', 'root'],
    ['/other', 'root'],
    ['/api', 'api'],
    ['/api/v2', 'api'],
    ['/api/v1', 'v1'],
    ['/api/v1/x', 'v1'],
    ['/api/v1/users', 'users-exact'],
    ['/api/v1/users/7', 'v1'],
    ['/apiv1', 'root'],
  ])('%s → %s', async (path, backend) => expect((await via(yaml, `http://api.example.com${path}`)).backend).toBe(backend));
  it('paths match case-sensitively without regex', async () => expect((await via(yaml, 'http://api.example.com/API')).backend).toBe('root'));
  it('the URI is normalised first: // merged, dot segments resolved, %-escapes decoded', async () => {
    expect((await via(yaml, 'http://api.example.com//api//v1/x')).backend).toBe('v1');
    expect((await via(yaml, 'http://api.example.com/x/../api/v1/x')).backend).toBe('v1');
    expect((await via(yaml, 'http://api.example.com/%61pi/v1')).backend).toBe('v1');
  });
  it('without a rewrite the backend sees the URI exactly as sent', async () => {
    expect((await via(yaml, 'http://api.example.com//api//v1/x?q=1')).path).toBe('//api//v1/x?q=1');
  });
  it('a .. above the root is a 400', async () => expect((await via(yaml, 'http://api.example.com/../etc')).status).toBe(400));
});

describe('hosts', () => {
  const yaml = docs(
    ingress('exact-host', 'foo.bar.com', [['/', 'Prefix', 'exact']]),
    ingress('wild', '*.bar.com', [['/', 'Prefix', 'wild']]),
    ingress('hostless', undefined, [['/hostless', 'Prefix', 'hostless']]),
  );
  it.each([
    ['foo.bar.com', '/', 'exact'],
    ['FOO.bar.com', '/', 'exact'],
    ['foo.bar.com:8080', '/', 'exact'],
    ['baz.bar.com', '/', 'wild'],
    ['a.b.bar.com', '/hostless', 'hostless'],
    ['other.com', '/hostless', 'hostless'],
  ])('Host %s%s → %s', async (host, path, backend) => {
    const r = await ask(yaml, `http://x${path}`, { headers: { Host: host } });
    expect(r.backend).toBe(backend);
  });
  it('a wildcard covers one label only (ingress-nginx renders ~^(?<subdomain>[\\w-]+)\\.bar\\.com$)', async () => {
    expect((await ask(yaml, 'http://a.b.bar.com/')).status).toBe(404);
    expect((await ask(yaml, 'http://bar.com/')).status).toBe(404);
  });
  it('an unknown host falls to the default server, whose hostless rules apply (e2e without_host.go)', async () => {
    const r = await ask(ingress('default-host', undefined, [['/', 'Prefix', 'echo']]), 'http://anything.example/');
    expect(r).toMatchObject({ status: 200, backend: 'echo', route: 'default/default-host' });
  });
  it('one Ingress, two hosts, each rule its own Service (e2e multiple_rules.go)', async () => {
    const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: simh, namespace: default }
spec:
  ingressClassName: nginx
  rules:
    - host: first.host
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: first-service, port: { number: 80 } } } }] }
    - host: second.host
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: second-service, port: { number: 80 } } } }] }
`;
    expect(await via(yaml, 'http://first.host/exact')).toMatchObject({ status: 200, backend: 'first-service', route: 'default/simh' });
    expect(await via(yaml, 'http://second.host/exact')).toMatchObject({ status: 200, backend: 'second-service', route: 'default/simh' });
  });
  it('a resource backend (no Service) gets the server but the default backend: 404 (e2e service_nil_backend.go)', async () => {
    const nil = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: nilbackend.svc.com, namespace: default }
spec:
  ingressClassName: nginx
  rules:
    - host: nilbackend.svc.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { resource: { apiGroup: otherobj.testingress.com, kind: Anything, name: mytest } }
`;
    const yaml = docs(nil, ingress('valid.svc.com', 'valid.svc.com', [['/', 'Prefix', 'echo']]));
    expect((await via(yaml, 'http://valid.svc.com/')).status).toBe(200);
    expect(await via(yaml, 'http://nilbackend.svc.com/')).toMatchObject({ status: 404, backend: null });
  });
});

describe('use-regex turns every location of the host into a case-insensitive regex (rewrite.go, ingress-path-matching.md)', () => {
  it('"/foo" matches "~* ^/foo", "/foo/bar" matches "~* ^/foo.+" (should use ~* location modifier if regex annotation is present)', async () => {
    const yaml = docs(
      ingress('foo', 'rewrite.bar.com', [['/foo', 'Prefix', 'echo']]),
      ingress('regex', 'rewrite.bar.com', [['/foo.+', 'ImplementationSpecific', 'echo']], { 'use-regex': 'true', 'rewrite-target': '/new/backend' }),
    );
    expect(await via(yaml, 'http://rewrite.bar.com/foo')).toMatchObject({ status: 200, path: '/foo', route: 'default/foo' });
    expect(await via(yaml, 'http://rewrite.bar.com/foo/bar')).toMatchObject({ status: 200, path: '/new/backend', route: 'default/regex' });
  });
  it('the first regex in length order wins over the exact-looking path (should fail to use longest match for documented warning)', async () => {
    const yaml = docs(
      ingress('foo', 'rewrite.bar.com', [['/foo/bar/bar', 'Prefix', 'echo']]),
      ingress('regex', 'rewrite.bar.com', [['/foo/bar/[a-z]{3}', 'ImplementationSpecific', 'echo']], { 'use-regex': 'true', 'rewrite-target': '/new/backend' }),
    );
    expect((await via(yaml, 'http://rewrite.bar.com/foo/bar/bar')).path).toBe('/new/backend');
  });
  it('the docs example: /foo/bar/1, /foo/bar/ and /foo/bar go to three services', async () => {
    const yaml = docs(
      ingress('test-ingress-1', 'test.com', [['/foo/bar', 'Prefix', 'service1'], ['/foo/bar/', 'ImplementationSpecific', 'service2']]),
      ingress('test-ingress-2', 'test.com', [['/foo/bar/(.+)', 'ImplementationSpecific', 'service3']], { 'rewrite-target': '/$1' }),
    );
    expect((await via(yaml, 'http://test.com/foo/bar/1')).backend).toBe('service3');
    expect((await via(yaml, 'http://test.com/foo/bar/1')).path).toBe('/1');
    expect((await via(yaml, 'http://test.com/foo/bar')).backend).toBe('service1');
  });
  it('regex locations ignore case', async () => {
    const yaml = ingress('r', 'r.example.com', [['/Api/[0-9]+', 'ImplementationSpecific', 'svc']], { 'use-regex': 'true' });
    expect((await via(yaml, 'http://r.example.com/api/42')).status).toBe(200);
    expect((await via(yaml, 'http://r.example.com/api/x')).status).toBe(404);
  });
  it('an Exact path loses its exactness once the host is in regex mode (it becomes ~* "^/exact")', async () => {
    const yaml = docs(
      ingress('exact', 'ex.example.com', [['/exact', 'Exact', 'exact']]),
      ingress('regex', 'ex.example.com', [['/other', 'Prefix', 'other']], { 'use-regex': 'true' }),
    );
    expect((await via(yaml, 'http://ex.example.com/exactly')).backend).toBe('exact');
  });
  it('the "/" rewrite makes the acme path a regex, which still matches first (should use correct longest path match)', async () => {
    const yaml = docs(
      ingress('kube-lego', 'rewrite.bar.com', [['/.well-known/acme/challenge', 'Prefix', 'echo']]),
      ingress('rewrite-index', 'rewrite.bar.com', [['/', 'Prefix', 'echo']], { 'rewrite-target': '/new/backend' }),
    );
    expect(await via(yaml, 'http://rewrite.bar.com/.well-known/acme/challenge')).toMatchObject({ status: 200, path: '/.well-known/acme/challenge', route: 'default/kube-lego' });
    expect(await via(yaml, 'http://rewrite.bar.com/anything')).toMatchObject({ path: '/new/backend', route: 'default/rewrite-index' });
  });
});

describe('spec.defaultBackend', () => {
  it('an Ingress with only a defaultBackend takes every unknown host (catch-all)', async () => {
    const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: catch-all }
spec:
  ingressClassName: nginx
  defaultBackend: { service: { name: fallback, port: { number: 80 } } }`;
    expect(await via(yaml, 'http://whatever.example/x')).toMatchObject({ status: 200, backend: 'fallback', route: 'default/catch-all' });
  });
  it('with rules, it answers the paths of its hosts that no rule takes (e2e without_host.go: only-backend)', async () => {
    const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: backend }
spec:
  ingressClassName: nginx
  defaultBackend: { service: { name: echo, port: { number: 80 } } }
  rules:
    - host: only-backend`;
    expect(await via(yaml, 'http://only-backend/')).toMatchObject({ status: 200, backend: 'echo' });
  });
});

describe('Ingresses ingress-nginx does not take', () => {
  it('no ingressClassName: ignored, so 404', async () => {
    const yaml = ingress('x', 'x.example.com', [['/', 'Prefix', 'svc']]).replace('  ingressClassName: nginx\n', '');
    expect((await via(yaml, 'http://x.example.com/')).status).toBe(404);
  });
  it('another class: ignored', async () => {
    const yaml = ingress('x', 'x.example.com', [['/', 'Prefix', 'svc']]).replace('ingressClassName: nginx', 'ingressClassName: traefik');
    expect((await via(yaml, 'http://x.example.com/')).status).toBe(404);
  });
});
