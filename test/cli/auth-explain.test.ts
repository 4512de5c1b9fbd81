/**
 * `gatelab explain` on the lesson's Kong jwt and key-auth snippets (03 and 05, unchanged) with an
 * overlay that adds the format version, a route and a consumer with a credential (issue 6): the
 * decisions, the reasons and the headers the backend receives. Runs the real binary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { gatelab, ROOT } from '../support/cli.ts';
import { LESSON_SNIPPETS } from '../support/lesson.ts';

const DIR = 'scenarios/auth/configs';
const SNIPPET_03 = [`${DIR}/03-kong-jwt-plugin.yaml`, `${DIR}/03-overlay.yaml`];
const SNIPPET_05 = [`${DIR}/05-kong-key-auth-plugin.yaml`, `${DIR}/05-overlay.yaml`];
/** explain's default instant: 2026-01-01T00:00:00Z. */
const NOW_S = Date.parse('2026-01-01T00:00:00Z') / 1000;

interface Decision {
  plugin: string;
  phase: string;
  verdict: string;
  reason: string;
  data?: Record<string, unknown>;
}

function explain(configs: string[], request: string, headers: string[] = []) {
  const r = gatelab(['explain', ...configs.flatMap((c) => ['--config', c]), '--request', request, ...headers.flatMap((h) => ['-H', h]), '--json']);
  expect(r.status, r.stderr).toBe(0);
  return { out: JSON.parse(r.stdout), stderr: r.stderr };
}

/** The decision that settled the plugin (after a `wait`, the one that came back). */
const decision = (out: { decisions: Decision[] }, plugin: string): Decision => {
  const d = out.decisions.filter((x) => x.plugin === plugin).at(-1);
  if (!d) throw new Error(`no ${plugin} decision in ${JSON.stringify(out.decisions)}`);
  return d;
};

describe('the snippet copies are the lesson\'s files, unchanged', () => {
  const lesson = LESSON_SNIPPETS;
  it.skipIf(!existsSync(lesson))('03 and 05 equal the lesson snippets byte for byte', () => {
    for (const f of ['03-kong-jwt-plugin.yaml', '05-kong-key-auth-plugin.yaml']) {
      expect(readFileSync(join(ROOT, DIR, f), 'utf8')).toBe(readFileSync(join(lesson, f), 'utf8'));
    }
  });
});

describe('gatelab explain: snippet 05 (key-auth, hide_credentials: true) + overlay', () => {
  it('§6 a key in X-API-Key: 200; the backend gets the consumer headers and never the key', () => {
    const { out } = explain(SNIPPET_05, 'GET http://api.example.com/api/v1/partner/orders', ['X-API-Key: pk_live_partner_a_7f3c', 'X-Consumer-Username: admin']);
    expect(out.status).toBe(200);
    const d = decision(out, 'key-auth');
    expect(d.reason).toContain("consumer partner-a's credential; hide_credentials removed header X-API-Key before proxying");
    expect(d.reason).not.toContain('pk_live_partner_a_7f3c');
    expect(d.data).toMatchObject({ consumer: 'partner-a', source: 'header', hidden: true, removed: 'header X-API-Key' });
    expect(out.upstream.headers['x-api-key']).toBeUndefined();
    expect(out.upstream.headers['x-consumer-username']).toBe('partner-a');
  });

  it('§6 the query fallback (apikey) is removed from the upstream query too', () => {
    const { out } = explain(SNIPPET_05, 'GET http://api.example.com/api/v1/partner/orders?apikey=pk_live_partner_a_7f3c&page=2');
    expect(out.upstream.path).toBe('/orders?page=2');
  });

  it('§6 no key: Kong\'s 401, WWW-Authenticate: Key, nothing sent upstream', () => {
    const { out } = explain(SNIPPET_05, 'GET http://api.example.com/api/v1/partner/orders');
    expect(out.status).toBe(401);
    expect(out.upstream).toBeNull();
    expect(out.response.body.message).toBe('No API key found in request');
    expect(out.response.headers['www-authenticate']).toBe('Key');
    expect(decision(out, 'key-auth').reason).toContain('no X-API-Key or apikey in the headers or query string');
  });

  it('the text form shows the decision and the headers the backend receives', () => {
    const r = gatelab(['explain', ...SNIPPET_05.flatMap((c) => ['--config', c]), '--request', 'GET http://api.example.com/api/v1/partner/x', '-H', 'X-API-Key: pk_live_partner_a_7f3c']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/key-auth\s+access\s+next\s+key pk_l… from header X-API-Key/);
    expect(r.stdout).toContain('x-consumer-username: partner-a');
    expect(r.stdout).not.toMatch(/x-api-key:/);
  });
});

describe('gatelab explain: snippet 03 (jwt, claims_to_verify: [exp]) + overlay', () => {
  let valid = '';
  let expired = '';
  beforeAll(async () => {
    const key = new TextEncoder().encode('lesson-jwt-secret');
    valid = await new SignJWT({ iss: 'web-app-issuer', sub: 'user-42', exp: NOW_S + 3600 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
    expired = await new SignJWT({ iss: 'web-app-issuer', sub: 'user-42', exp: NOW_S - 3600 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
  });

  it('§6 a valid token: 200, consumer web-app, X-Credential-Identifier = the iss; the token itself still goes upstream', () => {
    const { out } = explain(SNIPPET_03, 'GET http://api.example.com/api/v1/catalog/items', [`Authorization: Bearer ${valid}`]);
    expect(out.status).toBe(200);
    const d = decision(out, 'jwt');
    expect(d.reason).toContain("iss 'web-app-issuer' → consumer web-app; signature valid; claims exp hold");
    expect(out.upstream.headers['x-consumer-username']).toBe('web-app');
    expect(out.upstream.headers['x-consumer-custom-id']).toBe('web-1');
    expect(out.upstream.headers['x-credential-identifier']).toBe('web-app-issuer');
    expect(out.upstream.headers.authorization).toBe(`Bearer ${valid}`);
  });

  it('§6 an expired token: 401 {"exp":"token expired"}, and the decision says which claim and by how much', () => {
    const { out } = explain(SNIPPET_03, 'GET http://api.example.com/api/v1/catalog/items', [`Authorization: Bearer ${expired}`]);
    expect(out.status).toBe(401);
    expect(out.response.body).toEqual({ exp: 'token expired' });
    expect(out.response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const d = decision(out, 'jwt');
    expect(d.verdict).toBe('reply');
    expect(d.reason).toContain(`exp ${NOW_S - 3600} (1.0 h ago): token expired`);
    expect(d.data).toMatchObject({ claim: 'exp', exp: 'token expired' });
  });

  it('§6 the signature is an async effect: a wait decision comes before the verdict', () => {
    const { out } = explain(SNIPPET_03, 'GET http://api.example.com/api/v1/catalog/items', [`Authorization: Bearer ${valid}`]);
    expect(out.decisions.filter((d: Decision) => d.plugin === 'jwt').map((d: Decision) => d.verdict)).toEqual(['wait', 'next']);
  });

  it('§6 run_on_preflight: false — an OPTIONS request passes without a token', () => {
    const { out } = explain(SNIPPET_03, 'OPTIONS http://api.example.com/api/v1/catalog/items');
    expect(out.status).toBe(200);
    expect(decision(out, 'jwt').reason).toContain('run_on_preflight is false');
  });

  it('§6 a token signed with another secret: 401 "Invalid signature"', async () => {
    const forged = await new SignJWT({ iss: 'web-app-issuer', exp: NOW_S + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('guessed'));
    const { out } = explain(SNIPPET_03, 'GET http://api.example.com/api/v1/catalog/items', [`Authorization: Bearer ${forged}`]);
    expect([out.status, out.response.body.message]).toEqual([401, 'Invalid signature']);
  });
});

describe('gatelab explain: snippet 06 (request-transformer)', () => {
  it('warns that $(uuid) is not a template variable and shows what the backend receives', () => {
    const overlay = `${ROOT}/scenarios/transforms/configs/06-overlay.yaml`;
    const r = gatelab(['explain', '--config', 'scenarios/transforms/configs/06-kong-request-transformer.yaml', '--config', overlay, '--request', 'GET http://api.example.com/api/v1/catalog/1', '-H', 'X-Internal-Debug: on', '-H', 'X-Old-Header: legacy', '--json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('$(uuid) is not a request-transformer template variable');
    const out = JSON.parse(r.stdout);
    expect(out.upstream.headers['x-internal-debug']).toBeUndefined();
    expect(out.upstream.headers['x-new-header']).toBe('legacy');
    // Kong renders $(uuid) empty and lua-nginx-module's set_header adds no empty header: none reaches the backend.
    expect(out.upstream.headers['x-request-id']).toBeUndefined();
    expect(decision(out, 'request-transformer').data).toMatchObject({ removed: 'X-Internal-Debug' });
  });
});
