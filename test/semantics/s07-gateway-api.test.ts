/**
 * Semantics §7 (Gateway API HTTPRoute filters): the filter-list rules the API server enforces — each
 * filter type at most once per rule (RequestMirror excepted), RequestRedirect and URLRewrite never
 * together, ReplacePrefixMatch only with a single PathPrefix match — and header matches, where the
 * first entry for a name wins (names compare case-insensitively).
 */
import { describe, expect, it } from 'vitest';
import { gatewayApiIr, loadGatewayApi, MINIMAL_GATEWAY, send } from '../../engine/config/gateway-api/test-kit.ts';
import { httpRouteHead } from '../support/gateway-api-docs.ts';

const GATEWAY = MINIMAL_GATEWAY;

function route(matches: string, filters: string): string {
  return `${GATEWAY}---
${httpRouteHead('r')}  rules:
    - matches: ${matches}
      filters: ${filters}
      backendRefs: [{ name: svc, port: 80 }]
`;
}

const PREFIX = '[{ path: { type: PathPrefix, value: /old } }]';
const REWRITE = '{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /new } } }';
const REDIRECT = '{ type: RequestRedirect, requestRedirect: { scheme: https } }';
const ADD_HEADER = (v: string) => `{ type: RequestHeaderModifier, requestHeaderModifier: { add: [{ name: x-a, value: "${v}" }] } }`;

function errors(yaml: string): string[] {
  return loadGatewayApi(yaml).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

describe('semantics §7 Gateway API filters', () => {
  it('§7 a valid rule with one URLRewrite on a single PathPrefix match loads without errors', () => {
    expect(errors(route(PREFIX, `[${REWRITE}]`))).toEqual([]);
  });

  it('§7 RequestRedirect and URLRewrite are mutually exclusive in a rule', () => {
    expect(errors(route(PREFIX, `[${REDIRECT}, ${REWRITE}]`))).toEqual([expect.stringContaining('RequestRedirect and URLRewrite cannot be in the same filter list')]);
  });

  it('§7 each filter type at most once per rule', () => {
    expect(errors(route(PREFIX, `[${ADD_HEADER('1')}, ${ADD_HEADER('2')}]`))).toEqual([expect.stringContaining('RequestHeaderModifier appears twice')]);
  });

  it('§7 ReplacePrefixMatch needs exactly one match, of type PathPrefix', () => {
    expect(errors(route('[{ path: { type: Exact, value: /old } }]', `[${REWRITE}]`))).toEqual([expect.stringContaining('ReplacePrefixMatch needs a rule with exactly one match')]);
    expect(errors(route(`[{ path: { type: PathPrefix, value: /old } }, { path: { type: PathPrefix, value: /older } }]`, `[${REWRITE}]`))).toEqual([
      expect.stringContaining('ReplacePrefixMatch needs a rule with exactly one match'),
    ]);
  });

  it('§7 header match: two entries for one name (any case) — the first wins, the second is ignored', async () => {
    const ir = gatewayApiIr(route('[{ headers: [{ name: X-Env, value: a }, { name: x-env, value: b }] }]', '[]'));
    expect((await send(ir, 'GET http://x.example/', { headers: { 'X-Env': 'a' } })).status).toBe(200);
    expect((await send(ir, 'GET http://x.example/', { headers: { 'X-Env': 'b' } })).status).toBe(404);
  });
});
