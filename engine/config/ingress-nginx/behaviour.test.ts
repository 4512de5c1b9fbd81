/**
 * What ingress-nginx adds around routing: the upstream headers of nginx.tmpl (use-forwarded-headers
 * false), X-Request-ID, its own pages, and the rate-limit annotations as limit_req (semantics §2, §8:
 * limit-rps 5 with the default multiplier admits 26 at once, then one per 200 ms; status 503).
 */
import { describe, expect, it } from 'vitest';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { createIngressNginxBehaviour } from '../../pipeline/dialects/ingress-nginx.ts';
import type { RequestContext } from '../../pipeline/types.ts';
import { ask, ingress, ingressIr } from './test-kit.ts';

const app = ingress('app', 'app.example.com', [['/', 'Prefix', 'app']]);

describe('upstream headers (nginx.tmpl, use-forwarded-headers: false)', () => {
  it('sets the X-Forwarded-* family from the connection and replaces the client\'s X-Forwarded-For', async () => {
    const r = await ask(app, 'http://app.example.com:8080/x?y=1', {
      clientIp: '203.0.113.9',
      headers: { 'X-Forwarded-For': '1.2.3.4', 'X-Forwarded-Proto': 'https', 'X-Real-IP': '5.6.7.8', Proxy: 'evil', 'Keep-Alive': '5', Accept: 'text/html' },
    });
    expect(r.upstream?.headers).toMatchObject({
      host: 'app.example.com:8080',
      'x-real-ip': '203.0.113.9',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-host': 'app.example.com:8080',
      'x-forwarded-port': '8080',
      'x-forwarded-proto': 'http',
      'x-scheme': 'http',
      'x-original-forwarded-for': '1.2.3.4',
      accept: 'text/html',
    });
    expect(r.upstream?.headers['proxy']).toBeUndefined();
    expect(r.upstream?.headers['keep-alive']).toBeUndefined();
    expect(r.upstream?.path).toBe('/x?y=1');
  });
  it('X-Request-ID: the client\'s when sent, else 32 hex digits', async () => {
    expect((await ask(app, 'http://app.example.com/', { headers: { 'X-Request-ID': 'abc' } })).upstream?.headers['x-request-id']).toBe('abc');
    expect((await ask(app, 'http://app.example.com/')).upstream?.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });
  it('WebSocket upgrades keep Upgrade and get Connection: upgrade', async () => {
    const r = await ask(app, 'http://app.example.com/ws', { headers: { Upgrade: 'websocket', Connection: 'Upgrade' } });
    expect(r.upstream?.headers).toMatchObject({ upgrade: 'websocket', connection: 'upgrade' });
  });
  it('responses carry Server: nginx', async () => {
    expect((await ask(app, 'http://app.example.com/')).response.headers['server']).toBe('nginx');
  });
});

describe('ingress-nginx\'s own answers', () => {
  it('no rule: the default backend\'s 404', async () => {
    const r = await ask(app, 'http://other.example.com/');
    expect(r.status).toBe(404);
    expect(r.response.body).toBe('default backend - 404');
  });
  it('a refused connection is 502, a timeout 504: nginx HTML pages', () => {
    const dialect = createIngressNginxBehaviour(ingressIr(app).ir);
    const ctx = {} as RequestContext;
    const refused = dialect.upstreamFailed(ctx, { ok: false, failure: 'connect', message: 'ECONNREFUSED' });
    const slow = dialect.upstreamFailed(ctx, { ok: false, failure: 'timeout', message: 'no answer in 60s' });
    expect([refused.status, slow.status]).toEqual([502, 504]);
    expect(refused.body).toContain('<title>502 Bad Gateway</title>');
    expect(slow.body).toContain('<title>504 Gateway Time-out</title>');
    expect(refused.headers).toContainEqual(['Content-Type', 'text/html']);
  });
  it("an upstream's own 502 passes through unchanged", async () => {
    expect((await ask(app, 'http://app.example.com/', { upstreamStatus: 502 })).status).toBe(502);
  });
  it('a missing Service: 503 with nginx\'s page', async () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: { name: other }
spec: { ports: [{ port: 80 }] }
---
${app}`;
    const r = await ask(yaml, 'http://app.example.com/');
    expect(r.status).toBe(503);
    expect(String(r.response.body)).toContain('503 Service Temporarily Unavailable');
  });
  it('a broken %-escape is a 400', async () => expect((await ask(app, 'http://app.example.com/%zz')).status).toBe(400));
});

describe('limit-rps and limit-rpm (semantics §8)', () => {
  const limited = (anns: Record<string, string>) => ingress('api', 'api.example.com', [['/v1', 'Prefix', 'api'], ['/v2', 'Prefix', 'api']], anns);
  const burst = async (yaml: string, n: number, opts: { clientIp?: string; url?: string } = {}) => {
    const { ir } = ingressIr(yaml);
    const s = createExplainSession(ir, 1);
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await s.send({ method: 'GET', url: opts.url ?? 'http://api.example.com/v1/x', headers: [], clientIp: opts.clientIp ?? '198.51.100.7', now: 1_767_225_600_000, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
      statuses.push(r.status);
    }
    return statuses;
  };
  it('limit-rps 5 admits 26 at once (burst 5 × 5, nodelay), the 27th gets 503', async () => {
    const statuses = await burst(limited({ 'limit-rps': '5' }), 27);
    expect(statuses.filter((s) => s === 200)).toHaveLength(26);
    expect(statuses[26]).toBe(503);
  });
  it('limit-burst-multiplier 1: 6 at once', async () => {
    const statuses = await burst(limited({ 'limit-rps': '5', 'limit-burst-multiplier': '1' }), 8);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
  });
  it('limit-rpm 60: 301 at once (burst 300)', async () => {
    const statuses = await burst(limited({ 'limit-rpm': '60' }), 302);
    expect(statuses.filter((s) => s === 200)).toHaveLength(301);
  });
  it('the zone belongs to the Ingress: /v1 and /v2 share it', async () => {
    const { ir } = ingressIr(limited({ 'limit-rps': '1', 'limit-burst-multiplier': '1' }));
    const s = createExplainSession(ir, 1);
    const send = (path: string) => s.send({ method: 'GET', url: `http://api.example.com${path}`, headers: [], clientIp: '198.51.100.7', now: 1_767_225_600_000, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
    expect((await send('/v1')).status).toBe(200);
    expect((await send('/v2')).status).toBe(200);
    expect((await send('/v1')).status).toBe(503);
  });
  it('limit-allowlist clients are never limited', async () => {
    const statuses = await burst(limited({ 'limit-rps': '1', 'limit-burst-multiplier': '1', 'limit-allowlist': '198.51.100.0/24' }), 10);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
  it('a non-integer limit drops every limit of the Ingress', async () => {
    const statuses = await burst(limited({ 'limit-rps': '1.5', 'limit-rpm': '1' }), 10);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
  it('redirects are answered before limit_req and are not counted', async () => {
    const yaml = ingress('api', 'api.example.com', [['/v1', 'Prefix', 'api']], { 'limit-rps': '1', 'limit-burst-multiplier': '1', 'force-ssl-redirect': 'true' });
    const statuses = await burst(yaml, 5);
    expect(statuses.every((s) => s === 308)).toBe(true);
  });
});
