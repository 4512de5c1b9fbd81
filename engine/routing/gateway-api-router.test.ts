/**
 * The router on hand-made tables: every precedence criterion in turn, regex and header details, and
 * the reasons it gives. (Conformance-derived cases run through the whole pipeline in
 * gateway-api-conformance-*.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { GatewayApiRouter, type GwRouteRequest } from './gateway-api-router.ts';
import type { GwMatch, GwRoute, GwTable } from './gateway-api-table.ts';

const m = (over: Partial<GwMatch> = {}): GwMatch => ({ path: { type: 'PathPrefix', value: '/' }, headers: [], queryParams: [], method: null, ...over });

function route(key: string, matches: GwMatch[][], opts: { createdMs?: number; hostnames?: string[] | null; listener?: number } = {}): GwRoute {
  return {
    key,
    createdMs: opts.createdMs ?? null,
    attachments: [{ listener: opts.listener ?? 0, hostnames: opts.hostnames ?? null }],
    rules: matches.map((ms, index) => ({ routeId: `${key}#${index}`, index, matches: ms, backends: [], invalid: null })),
  };
}

function table(routes: GwRoute[]): GwTable {
  return { listeners: [{ gateway: 'ns/gw', name: 'http', port: 80, protocol: 'http', hostname: null }], routes };
}

function req(path: string, over: Partial<GwRouteRequest> & { hdrs?: Array<[string, string]> } = {}): GwRouteRequest {
  const [p, q] = path.split('?') as [string, string | undefined];
  return { method: 'GET', scheme: 'http', host: 'h.example', port: 80, path: p, query: q ?? '', headers: new HeaderMap(over.hdrs ?? []), ...over };
}

function winner(t: GwTable, r: GwRouteRequest): string {
  const got = new GatewayApiRouter(t).route(r);
  return got.ok ? got.rule.routeId : `miss: ${got.reason}`;
}

describe('precedence, criterion by criterion', () => {
  it('hostname: an exact hostname beats a wildcard beats none, whatever the paths', () => {
    const t = table([
      route('ns/any', [[m({ path: { type: 'Exact', value: '/x' } })]]),
      route('ns/wild', [[m()]], { hostnames: ['*.example'] }),
      route('ns/exact', [[m()]], { hostnames: ['h.example'] }),
    ]);
    expect(winner(t, req('/x'))).toBe('ns/exact#0');
  });

  it('Exact beats RegularExpression beats PathPrefix; longer beats shorter', () => {
    const t = table([
      route('ns/a', [
        [m({ path: { type: 'PathPrefix', value: '/a/b/c/d' } })],
        [m({ path: { type: 'RegularExpression', value: '/a/.*' } })],
        [m({ path: { type: 'Exact', value: '/a/b/c/d' } })],
      ]),
    ]);
    expect(winner(t, req('/a/b/c/d'))).toBe('ns/a#2');
    expect(winner(t, req('/a/b/c/d/e'))).toBe('ns/a#1');
    const prefixes = table([route('ns/p', [[m({ path: { type: 'PathPrefix', value: '/a' } })], [m({ path: { type: 'PathPrefix', value: '/a/b' } })]])]);
    expect(winner(prefixes, req('/a/b/c'))).toBe('ns/p#1');
  });

  it('then a method, then more headers, then more query params', () => {
    const t = table([
      route('ns/r', [
        [m({ queryParams: [{ name: 'q', type: 'Exact', value: '1' }, { name: 'r', type: 'Exact', value: '2' }] })],
        [m({ headers: [{ name: 'x', type: 'Exact', value: '1' }] })],
        [m({ method: 'GET' })],
      ]),
    ]);
    const full = req('/?q=1&r=2', { hdrs: [['X', '1']] });
    expect(winner(t, full)).toBe('ns/r#2');
    expect(winner(t, { ...full, method: 'POST' })).toBe('ns/r#1');
    expect(winner(t, req('/?q=1&r=2', { method: 'POST' }))).toBe('ns/r#0');
  });

  it('then the oldest route, then namespace/name, then rule order', () => {
    const same = [[m()]];
    expect(winner(table([route('ns/b', same, { createdMs: 1 }), route('ns/a', same, { createdMs: 2 })]), req('/'))).toBe('ns/b#0');
    expect(winner(table([route('ns/b', same), route('ns/a', same)]), req('/'))).toBe('ns/a#0');
    // A route with a timestamp is older than one without (which counts as just created).
    expect(winner(table([route('ns/a', same), route('ns/z', same, { createdMs: 5 })]), req('/'))).toBe('ns/z#0');
    expect(winner(table([route('ns/a', [[m()], [m()]])]), req('/'))).toBe('ns/a#0');
  });

  it('explains the win with the first criterion that differs', () => {
    const got = new GatewayApiRouter(table([route('ns/a', [[m({ path: { type: 'PathPrefix', value: '/v1' } })], [m()]])])).route(req('/v1/x'));
    expect(got.ok && got.reason).toContain('wins over ns/a#1 by the longer path');
  });
});

describe('header and regex details', () => {
  it('header names are case-insensitive; repeated headers are joined with a comma', () => {
    const t = table([route('ns/h', [[m({ headers: [{ name: 'x-tag', type: 'Exact', value: 'a,b' }] })]])]);
    expect(winner(t, req('/', { hdrs: [['X-Tag', 'a'], ['x-tag', 'b']] }))).toBe('ns/h#0');
  });

  it('regular expressions match the whole value (RE2)', () => {
    const t = table([
      route('ns/re', [
        [m({ headers: [{ name: 'v', type: 'RegularExpression', value: 'v[0-9]+' }] })],
        [m({ path: { type: 'RegularExpression', value: '/items/[0-9]+' } })],
      ]),
    ]);
    expect(winner(t, req('/', { hdrs: [['v', 'v12']] }))).toBe('ns/re#0');
    expect(winner(t, req('/', { hdrs: [['v', 'xv12']] }))).toMatch(/^miss/);
    expect(winner(t, req('/items/42'))).toBe('ns/re#1');
    expect(winner(t, req('/items/42/x'))).toMatch(/^miss/);
  });

  it('a query parameter is read by its first value', () => {
    const t = table([route('ns/q', [[m({ queryParams: [{ name: 'a', type: 'Exact', value: '1' }] })]])]);
    expect(winner(t, req('/?a=1&a=2'))).toBe('ns/q#0');
    expect(winner(t, req('/?a=2&a=1'))).toMatch(/^miss/);
  });
});

describe('listeners', () => {
  const two: GwTable = {
    listeners: [
      { gateway: 'ns/gw', name: 'http', port: 80, protocol: 'http', hostname: null },
      { gateway: 'ns/gw', name: 'https', port: 443, protocol: 'https', hostname: null },
    ],
    routes: [route('ns/h', [[m()]], { listener: 1 })],
  };
  it('says why no listener takes the request', () => {
    expect(winner(two, req('/', { port: 8080 }))).toContain('no Gateway listener on port 8080');
    expect(winner(two, req('/', { port: 443 }))).toContain('port 443 has only HTTPS listeners; the request came in as http');
    expect(winner(two, req('/'))).toContain('no HTTPRoute rule matches GET /');
    expect(winner(two, req('/', { port: 443, scheme: 'https' }))).toBe('ns/h#0');
  });

  it('isolates listeners within a Gateway but not across Gateways', () => {
    const t: GwTable = {
      listeners: [
        { gateway: 'ns/a', name: 'any', port: 80, protocol: 'http', hostname: null },
        { gateway: 'ns/a', name: 'exact', port: 80, protocol: 'http', hostname: 'h.example' },
        { gateway: 'ns/b', name: 'any', port: 80, protocol: 'http', hostname: null },
      ],
      routes: [
        route('ns/on-a-any', [[m({ path: { type: 'PathPrefix', value: '/a' } })]], { listener: 0 }),
        route('ns/on-b-any', [[m({ path: { type: 'PathPrefix', value: '/b' } })]], { listener: 2 }),
      ],
    };
    expect(winner(t, req('/a'))).toMatch(/^miss/);
    expect(winner(t, req('/b'))).toBe('ns/on-b-any#0');
    expect(winner(t, req('/a', { host: 'other.example' }))).toBe('ns/on-a-any#0');
  });
});
