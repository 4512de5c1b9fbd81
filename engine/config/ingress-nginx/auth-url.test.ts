/**
 * ingress-nginx external auth (auth-url) through the adapter and the ingress-nginx dialect. Sources:
 * internal/ingress/annotations/authreq/main.go (Parse: StringToURL → LocationDenied; ValidMethod →
 * LocationDenied "invalid HTTP method"; ValidCacheDuration → LocationDenied), the group's validators
 * (authReqAnnotations, parser/validators.go URLWithNginxVariableRegex, checkAnnotation), annotations.go
 * Extract (a validation error rejects the Ingress; LocationDenied makes its locations answer 503:
 * nginx.tmpl `return 503` when not isLocationAllowed), nginx.tmpl's auth location, and nginx's
 * ngx_http_auth_request_handler (2xx passes, 401/403 returned, anything else 500). Semantics §8 is the
 * annotation handling this follows (known key with an invalid value: warned, default used).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptIngressNginx } from './adapt.ts';
import { docs, ingress, ingressIr } from './test-kit.ts';

type HttpEffect = Extract<Effect, { type: 'http' }>;

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: app, namespace: default }
spec: { ports: [{ port: 80 }] }`;

const AUTH = { 'auth-url': 'http://oauth2-proxy.auth.svc:4180/oauth2/auth', 'auth-response-headers': 'X-Auth-Request-User' };
const app = (anns: Record<string, string>) => docs(SERVICE, ingress('app', 'app.example.com', [['/', 'Prefix', 'app']], anns));

/** A request through the explain host, the auth service answered by `auth`. */
async function send(yaml: string, auth: (e: HttpEffect) => EffectResult, headers: Array<[string, string]> = [], clientIp = '198.51.100.10') {
  const calls: HttpEffect[] = [];
  const s = createExplainSession(ingressIr(yaml).ir, 1, (e) => (calls.push(e), auth(e)));
  const r = await s.send({ method: 'GET', url: 'http://app.example.com/orders?id=7', headers, clientIp, now: 1_767_225_600_000, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
  return { r, calls };
}

function diagnostics(yaml: string): { text: string; hasIr: boolean; routes: number } {
  const parsed = parseYaml(yaml, 'auth.yaml');
  const result = adaptIngressNginx(parsed.docs);
  return { text: result.diagnostics.map(formatDiagnostic).join('\n'), hasIr: !!result.ir, routes: result.ir?.routes.length ?? 0 };
}

describe('auth-url becomes forward-auth (nginx flavour) on every location of the Ingress', () => {
  it('the plugin instance, scoped to the Ingress route, after the rate limits', () => {
    const { ir } = ingressIr(app({ ...AUTH, 'limit-rps': '5' }));
    expect(ir.plugins.map((p) => p.vendorName)).toEqual(['limit-rps', 'auth-url']);
    expect(ir.plugins[1]).toMatchObject({ plugin: 'forward-auth', scope: { route: 'ingress:default/app' }, config: { address: AUTH['auth-url'], authResponseHeaders: ['X-Auth-Request-User'], nginx: { signinRedirectParam: 'rd' } } });
  });

  it('2xx: the backend gets the auth answer\'s header, the client\'s forged one is gone (nginx auth_request, proxy_set_header)', async () => {
    const { r, calls } = await send(app(AUTH), () => ({ ok: true, status: 200, headers: [['X-Auth-Request-User', 'ada']], body: '' }), [['X-Auth-Request-User', 'admin']]);
    expect(r.status).toBe(200);
    expect(calls[0]?.headers).toContainEqual(['X-Original-URL', 'http://app.example.com/orders?id=7']);
    // X-Request-ID $req_id: the same 32 hex digits the backend would get.
    expect(calls[0]?.headers.find(([n]) => n === 'X-Request-ID')?.[1]).toMatch(/^[0-9a-f]{32}$/);
    expect(r.decisions.findLast((d) => d.plugin === 'forward-auth' && d.phase === 'access')?.reason).toContain('nginx auth_request lets any 2xx through');
  });

  it('the copied header reaches the backend, replacing the client\'s own value (proxy_set_header)', async () => {
    const { r } = await send(app(AUTH), () => ({ ok: true, status: 200, headers: [['X-Auth-Request-User', 'ada']], body: '' }), [['X-Auth-Request-User', 'admin']]);
    expect(r.upstream?.headers['x-auth-request-user']).toBe('ada');
  });

  it('the auth service answering 503 is a 500 to the client, and the backend is never called', async () => {
    const { r } = await send(app(AUTH), () => ({ ok: true, status: 503, headers: [], body: 'down' }));
    expect([r.status, r.upstream]).toEqual([500, null]);
    expect(r.decisions.findLast((d) => d.plugin === 'forward-auth' && d.phase === 'access')?.reason).toContain('auth service http://oauth2-proxy.auth.svc:4180/oauth2/auth answered 503 → nginx auth_request turns any status other than 2xx/401/403 into 500');
  });

  it('a client denied by allowlist-source-range gets the access module\'s 403 without an auth call', async () => {
    const { r, calls } = await send(app({ ...AUTH, 'allowlist-source-range': '10.0.0.0/8' }), () => ({ ok: true, status: 401, headers: [], body: '' }));
    expect([r.status, calls.length]).toEqual([403, 0]);
  });

  it('a canary Ingress\'s auth-url is ignored (the main Ingress\'s applies)', () => {
    const canary = ingress('app-canary', 'app.example.com', [['/', 'Prefix', 'app']], { canary: 'true', 'canary-weight': '10', ...AUTH });
    const d = diagnostics(docs(SERVICE, ingress('app', 'app.example.com', [['/', 'Prefix', 'app']]), canary));
    expect(d.text).toContain('auth-url is ignored on a canary Ingress');
  });
});

describe('bad values, handled as ingress-nginx does, with file:line:column', () => {
  it('an auth-url with characters the validator refuses rejects the whole Ingress', () => {
    const d = diagnostics(app({ 'auth-url': 'http://auth.svc/check?u=%2F' }));
    expect(d.text).toMatch(/auth\.yaml:\d+:\d+: warning .*auth-url: "http:\/\/auth\.svc\/check\?u=%2F" has characters the annotation validator refuses.*rejects the whole Ingress/);
    expect(d.routes).toBe(0);
  });

  it.each([
    ['auth-service/verify', 'url scheme is empty'],
    ['auth-service:8080/verify', 'url host is empty'],
    ['http://auth..svc/verify', 'invalid url host'],
  ])('auth-url %s passes the validator but not StringToURL (%s): every location answers 503', async (url, why) => {
    const d = diagnostics(app({ 'auth-url': url }));
    expect(d.text).toContain(`could not parse auth-url annotation: ${why}`);
    const { r, calls } = await send(app({ 'auth-url': url }), () => ({ ok: true, status: 200, headers: [], body: '' }));
    expect([r.status, calls.length]).toEqual([503, 0]);
  });

  it('auth-method: an unknown upper-case method denies the locations (ValidMethod); a lower-case one fails the validator and is dropped', async () => {
    const denied = await send(app({ ...AUTH, 'auth-method': 'GETX' }), () => ({ ok: true, status: 200, headers: [], body: '' }));
    expect(denied.r.status).toBe(503);
    expect(diagnostics(app({ ...AUTH, 'auth-method': 'GETX' })).text).toContain('invalid HTTP method');
    const dropped = await send(app({ ...AUTH, 'auth-method': 'post' }), () => ({ ok: true, status: 200, headers: [], body: '' }));
    expect([dropped.r.status, dropped.calls[0]?.method]).toEqual([200, 'GET']);
    expect(diagnostics(app({ ...AUTH, 'auth-method': 'post' })).text).toContain('auth-method: "post" is not an upper-case HTTP method');
  });

  it('an invalid auth-cache-duration denies the locations; caching itself is warned as not modelled', () => {
    expect(diagnostics(app({ ...AUTH, 'auth-cache-duration': '5m 200' })).text).toContain('invalid cache duration');
    const cached = diagnostics(app({ ...AUTH, 'auth-cache-key': '$remote_user$http_authorization' })).text;
    expect(cached).toContain('asks the auth service on every request');
  });

  it('the auth group without auth-url has no effect, and says so', () => {
    expect(diagnostics(app({ 'auth-signin': 'https://auth.example.com/start' })).text).toContain('auth-signin has no effect without nginx.ingress.kubernetes.io/auth-url');
  });

  it('auth-snippet stays unmodelled, with the risk-level warning', () => {
    expect(diagnostics(app({ ...AUTH, 'auth-snippet': 'proxy_set_header Foo bar;' })).text).toContain('annotations-risk-level: High) the admission webhook refuses this Ingress');
  });

  it('an nginx variable gatelab does not expand is warned', () => {
    expect(diagnostics(app({ 'auth-url': 'http://auth.svc/check?t=$cookie_session' })).text).toContain('$cookie_session');
  });
});
