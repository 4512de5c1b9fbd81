/**
 * `gatelab explain --json` on Kong files: the issue-2 contract, strip_path (semantics §6) and the
 * 429 body and headers (semantics §1).
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const CONFIG = 'test/cli/fixtures/orders-kong.yaml';

function explain(extra: string[]) {
  const r = gatelab(['explain', '--config', CONFIG, '--json', ...extra]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('gatelab explain --json (Kong)', () => {
  it('has exactly the contract fields', () => {
    const out = explain(['--request', 'GET http://api.example.com/api/v1/orders/123']);
    expect(Object.keys(out).sort()).toEqual(['backend', 'decisions', 'redirect', 'response', 'route', 'status', 'upstream']);
    expect(out.decisions[0]).toEqual(expect.objectContaining({ plugin: expect.any(String), phase: expect.any(String), verdict: expect.any(String), reason: expect.any(String) }));
  });

  it('§6 strip_path: /api/v1/orders/123 reaches the backend as /123 with the query kept (exercise 1)', () => {
    const out = explain(['--request', 'GET http://api.example.com/api/v1/orders/123?expand=items']);
    expect(out.status).toBe(200);
    expect(out.route).toBe('orders-route');
    expect(out.backend).toBe('orders-api');
    expect(out.upstream.path).toBe('/123?expand=items');
    expect(out.upstream.host).toBe('orders.production.svc:8080');
    expect(out.upstream.headers.host).toBe('orders.production.svc:8080');
    expect(out.upstream.headers['x-forwarded-for']).toBe('198.51.100.10');
    expect(out.response.headers['x-ratelimit-limit-minute']).toBe('200');
    expect(out.response.headers['x-ratelimit-remaining-minute']).toBe('199');
  });

  it('§1 after 200 requests in the minute the 201st gets 429 with Kong\'s body and headers', () => {
    const out = explain(['--request', 'GET http://api.example.com/api/v1/orders/1', '--repeat', '200', '--now', '2026-01-01T12:00:30Z']);
    expect(out.status).toBe(429);
    expect(out.upstream).toBeNull();
    expect(out.backend).toBeNull();
    expect(out.response.body).toEqual({ message: 'API rate limit exceeded', request_id: 'explain-201' });
    expect(out.response.headers['retry-after']).toBe('30');
    expect(out.response.headers['ratelimit-remaining']).toBe('0');
    const limiter = out.decisions.find((d: { plugin: string; verdict: string }) => d.plugin === 'rate-limit' && d.verdict === 'reply');
    expect(limiter.reason).toMatch(/200/);
  });

  it('no matching route: 404 with Kong\'s message, no backend', () => {
    const out = explain(['--request', 'GET http://api.example.com/other']);
    expect(out.status).toBe(404);
    expect(out.route).toBeNull();
    expect(out.response.body.message).toBe('no Route matched with those values');
  });

  it('--upstream-status and response headers pass through to the client', () => {
    const out = explain(['--request', 'GET http://api.example.com/api/v1/orders/1', '--upstream-status', '503', '--upstream-response-header', 'X-From: backend']);
    expect(out.status).toBe(503);
    expect(out.response.headers['x-from']).toBe('backend');
  });

  it('§12 the backend\'s hop-by-hop answer headers stop at the gateway; the others pass', () => {
    const out = explain([
      '--request', 'GET http://api.example.com/api/v1/orders/1',
      '--upstream-response-header', 'Connection: close, X-Secret-Hop',
      '--upstream-response-header', 'X-Secret-Hop: 1',
      '--upstream-response-header', 'Keep-Alive: timeout=5',
      '--upstream-response-header', 'X-From: backend',
    ]);
    expect(out.response.headers['x-from']).toBe('backend');
    expect(out.response.headers['x-secret-hop']).toBeUndefined();
    expect(out.response.headers['keep-alive']).toBeUndefined();
  });

  it('the text form lists every decision with its reason', () => {
    const r = gatelab(['explain', '--config', CONFIG, '--request', 'GET http://api.example.com/api/v1/orders/1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/router\s+access\s+next/);
    expect(r.stdout).toMatch(/rate-limit\s+access\s+next/);
  });
});
