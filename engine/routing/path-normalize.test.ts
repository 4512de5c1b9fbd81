/**
 * The generic path normaliser (RFC 3986 §2.3, §5.2.4; Envoy Gateway's normalize_path + merge_slashes)
 * and its use by the gateway-api dialect in the simulation — the proxy routes through the same code.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { httpRouteHead } from '../../test/support/gateway-api-docs.ts';
import { gatewayApiIr, MINIMAL_GATEWAY, send } from '../config/gateway-api/test-kit.ts';
import { cleanSegments, normalizeRequestPath } from './path-normalize.ts';

const ok = (p: string): string => {
  const r = normalizeRequestPath(p);
  if (!r.ok) throw new Error(`refused ${p}: ${r.reason}`);
  return r.path;
};

describe('normalizeRequestPath', () => {
  it.each([
    ['/a/../admin', '/admin'],
    ['/a/%2e%2E/admin', '/admin'],
    ['/a/.%2e/admin', '/admin'],
    ['/%61dmin/x', '/admin/x'],
    ['//admin///x', '/admin/x'],
    ['/a/./b/', '/a/b/'],
    ['/a/b/..', '/a/'],
    ['/../../etc', '/etc'],
    ['/a/%252e%252e/b', '/a/%252e%252e/b'],
    ['/Admin', '/Admin'],
    ['/a%20b', '/a%20b'],
    ['/caf%c3%a9', '/caf%C3%A9'],
  ])('%s → %s', (input, expected) => {
    expect(ok(input)).toBe(expected);
  });

  it.each([
    ['/public%2F..%2Fadmin', 'GL_E_PATH_ENCODED_SLASH'],
    ['/public%2f..%2fadmin', 'GL_E_PATH_ENCODED_SLASH'],
    ['/a%5C..%5Cadmin', 'GL_E_PATH_ENCODED_SLASH'],
    ['/a%00b', 'GL_E_PATH_NUL'],
    ['/a%zz', 'GL_E_PATH_BAD_ESCAPE'],
    ['/a%2', 'GL_E_PATH_BAD_ESCAPE'],
    ['admin', 'GL_E_PATH_NOT_ABSOLUTE'],
  ])('%s is refused with %s', (input, code) => {
    const r = normalizeRequestPath(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('invariants: the result starts with /, has no dot segment and no //, and normalising again changes nothing', () => {
    const segment = fc.constantFrom('a', 'B', '.', '..', '', '%2e', '%2E%2e', '%41', '%25', 'x.y', '~u');
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`path-normalize property seed: ${seed} (pin with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (parts) => {
        const out = ok(`/${parts.join('/')}`);
        expect(out.startsWith('/')).toBe(true);
        expect(out).not.toMatch(/\/\.\.?(\/|$)/);
        expect(out.includes('//')).toBe(false);
        expect(ok(out)).toBe(out);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('cleanSegments never climbs above the root', () => {
    expect(cleanSegments('/..')).toBe('/');
    expect(cleanSegments('/a/../../..')).toBe('/');
  });
});

const YAML = `${MINIMAL_GATEWAY}---
${httpRouteHead('r')}  rules:
    - matches: [{ path: { type: PathPrefix, value: /admin } }]
      backendRefs: [{ name: admin, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /public } }]
      backendRefs: [{ name: public, port: 8080 }]
`;

describe('gateway-api dialect: rules see the normalised path, as with Envoy Gateway', () => {
  const ir = gatewayApiIr(YAML);

  it('/public/../admin/x is routed to the /admin rule and sent upstream as /admin/x', async () => {
    const r = await send(ir, 'GET http://example.com/public/%2e%2e/admin//x?q=1');
    expect(r.status).toBe(200);
    expect(r.upstream?.path).toBe('/admin/x?q=1');
    expect(r.upstream?.host).toBe('example.com');
  });

  it('an encoded slash is a 400 with the reason, never a route decision', async () => {
    const r = await send(ir, 'GET http://example.com/public%2F..%2Fadmin');
    expect(r.status).toBe(400);
    expect(r.upstream).toBeNull();
    expect(JSON.stringify(r)).toContain('GL_E_PATH_ENCODED_SLASH');
  });
});
