/**
 * Semantics §6 (Kong): the plugin priority table for every Kong plugin gatelab maps,
 * request-transformer's Host rules (replace always may, add never does), and where jwt finds a token
 * in the Authorization header (`\s*[Bb]earer\s+(.+)`).
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwtPlugin } from '../../engine/plugins/jwt/plugin.ts';
import { findVendorPlugin, knownVendorPluginNames } from '../../engine/plugins/index.ts';
import { requestTransformerPlugin } from '../../engine/plugins/request-transformer/plugin.ts';
import { consumer, context, hooksOf, jsonBody, replyOf, run } from '../../engine/plugins/kit/test-kit.ts';

/** Kong OSS 3.10 PRIORITY values, as semantics §6 lists them. */
const KONG_PRIORITIES: Record<string, number> = {
  'correlation-id': 100001,
  cors: 2000,
  jwt: 1450,
  'key-auth': 1250,
  'basic-auth': 1100,
  'ip-restriction': 990,
  'request-size-limiting': 951,
  acl: 950,
  'rate-limiting': 910,
  'response-ratelimiting': 900,
  'request-transformer': 801,
  'response-transformer': 800,
  opentelemetry: 14,
  'request-termination': 2,
};

describe('semantics §6 Kong', () => {
  it('§6 every Kong plugin gatelab maps runs at Kong’s PRIORITY (higher first, whatever the YAML order)', () => {
    const names = knownVendorPluginNames('kong');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(KONG_PRIORITIES[name], `semantics §6 lists no priority for ${name}`).toBeDefined();
      expect([name, findVendorPlugin('kong', name)?.priority]).toEqual([name, KONG_PRIORITIES[name]]);
    }
  });

  it('§6 request-transformer: replace may change Host; add never adds a Host (one is always present)', async () => {
    const replaced = context();
    await run(hooksOf(requestTransformerPlugin, { replace: { headers: ['Host:new.example'] } }), replaced);
    expect(replaced.upstream.headers.getAll('host')).toEqual(['new.example']);
    const added = context();
    await run(hooksOf(requestTransformerPlugin, { add: { headers: ['Host:evil.example'] } }), added);
    expect(added.upstream.headers.getAll('host')).toEqual(['api.example.com']);
  });

  it('§6 jwt reads Authorization only as \\s*[Bb]earer\\s+(.+): "bearer" and extra spaces work; "BEARER", "Token" or a bare token are no token (401 Unauthorized)', async () => {
    const consumers = [consumer('web', [{ kind: 'jwt', id: 'jwt-web', fields: { key: 'web-issuer', algorithm: 'HS256', secret: 's3cret' } }])];
    const token = await new SignJWT({ iss: 'web-issuer' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode('s3cret'));
    const verdictFor = async (value: string) => (await run(hooksOf(jwtPlugin, {}, consumers), context({ headers: [['Authorization', value]] }))).verdict;
    for (const found of [`Bearer ${token}`, `bearer ${token}`, `  Bearer   ${token}`]) expect((await verdictFor(found)).kind).toBe('next');
    for (const missing of [`BEARER ${token}`, `Token ${token}`, token]) {
      const v = await verdictFor(missing);
      expect([replyOf(v).status, (jsonBody(v) as { message: string }).message]).toEqual([401, 'Unauthorized']);
      expect(replyOf(v).headers).toContainEqual(['WWW-Authenticate', 'Bearer']);
    }
  });
});
