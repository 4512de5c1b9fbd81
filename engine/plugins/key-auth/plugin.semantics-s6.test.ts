/**
 * Semantics §6, key-auth: the rules of the section that plugin.test.ts does not already pin. The lookup
 * follows Kong's do_authentication (kong/plugins/key-auth/handler.lua): for each name in key_names, the
 * header, then the query, then the body; the first place where the name has a value decides for it.
 */
import { describe, expect, it } from 'vitest';
import type { ConsumerIR } from '../../config/ir.ts';
import { consumer, context, hooksOf, jsonBody, replyOf, run } from '../kit/test-kit.ts';
import { keyAuthPlugin } from './plugin.ts';

const partner: ConsumerIR = { ...consumer('partner-a', [{ kind: 'key-auth', id: 'cred-a', fields: { key: 'a-secret-key' } }]), customId: 'crm-7' };
const plain = consumer('plain', [{ kind: 'key-auth', id: 'cred-p', fields: { key: 'p-secret-key' } }]);
const anon = consumer('anonymous');
const FORM: [string, string] = ['Content-Type', 'application/x-www-form-urlencoded'];
const JSON_TYPE: [string, string] = ['Content-Type', 'application/json'];

const send = async (config: Record<string, unknown>, spec: Parameters<typeof context>[0], consumers: ConsumerIR[] = [partner, plain, anon]) => {
  const ctx = context(spec);
  const { verdict } = await run(hooksOf(keyAuthPlugin, config, consumers), ctx);
  return { verdict, ctx };
};
const messageOf = (v: Parameters<typeof jsonBody>[0]) => (jsonBody(v) as { message: string }).message;

describe('semantics §6 key-auth: where the key is looked for', () => {
  it('§6 names come first: the first name is looked for in header, query and body before the second name anywhere', async () => {
    const { verdict } = await send(
      { key_names: ['first', 'second'], key_in_body: true },
      { method: 'POST', headers: [['second', 'a-secret-key'], FORM], body: 'first=wrong-key' },
    );
    expect(replyOf(verdict).status).toBe(401);
    expect(verdict.reason).toContain('from body first');
  });

  it('§6 for one name the query is read before the body', async () => {
    const { verdict } = await send({ key_in_body: true }, { method: 'POST', query: 'apikey=wrong-key', headers: [FORM], body: 'apikey=a-secret-key' });
    expect(messageOf(verdict)).toBe('Unauthorized');
    expect(verdict.reason).toContain('from query apikey');
  });

  it('§6 key_in_header false / key_in_query false: those places are not read', async () => {
    const header = await send({ key_in_header: false }, { headers: [['apikey', 'a-secret-key']] });
    expect(messageOf(header.verdict)).toBe('No API key found in request');
    const query = await send({ key_in_query: false }, { query: 'apikey=a-secret-key' });
    expect(messageOf(query.verdict)).toBe('No API key found in request');
  });

  it('§6 key_in_body is off by default: a key in a form body is not found', async () => {
    const { verdict } = await send({}, { method: 'POST', headers: [FORM], body: 'apikey=a-secret-key' });
    expect(messageOf(verdict)).toBe('No API key found in request');
  });

  it('§6 a bare ?apikey is Lua true: no key, and Kong goes on with the next name, not to the body (FIXED)', async () => {
    const bare = await send({ key_in_body: true }, { method: 'POST', query: 'apikey', headers: [FORM], body: 'apikey=a-secret-key' });
    expect(messageOf(bare.verdict)).toBe('No API key found in request');
    const nextName = await send({ key_names: ['apikey', 'token'] }, { query: 'apikey&token=a-secret-key' });
    expect(nextName.verdict.kind).toBe('next');
    expect(nextName.verdict.reason).toContain('from query token');
  });

  it('§6 an empty key is no key: 401 "No API key found in request"', async () => {
    const { verdict } = await send({}, { headers: [['apikey', '']] });
    expect(replyOf(verdict).status).toBe(401);
    expect(messageOf(verdict)).toBe('No API key found in request');
  });

  it('§6 a JSON body is read too (key_in_body): a string field is the key', async () => {
    const { verdict, ctx } = await send({ key_in_body: true }, { method: 'POST', headers: [JSON_TYPE], body: '{"apikey":"a-secret-key","n":1}' });
    expect(verdict.kind).toBe('next');
    expect(ctx.consumer?.username).toBe('partner-a');
  });
});

describe('semantics §6 key-auth: duplicates', () => {
  it('§6 a repeated query argument is a table: 401 "Duplicate API key found", WWW-Authenticate: Key', async () => {
    const { verdict } = await send({}, { query: 'apikey=a-secret-key&apikey=a-secret-key' });
    expect(replyOf(verdict).status).toBe(401);
    expect(messageOf(verdict)).toBe('Duplicate API key found');
    expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Key']);
  });

  it('§6 a JSON array or object in the body is a Lua table, a duplicate whatever its length (FIXED)', async () => {
    for (const body of ['{"apikey":["a-secret-key"]}', '{"apikey":["a","b"]}', '{"apikey":{"k":"a-secret-key"}}', '{"apikey":[]}']) {
      const { verdict } = await send({ key_in_body: true }, { method: 'POST', headers: [JSON_TYPE], body });
      expect([body, messageOf(verdict)]).toEqual([body, 'Duplicate API key found']);
    }
  });

  it('§6 a repeated form field is a duplicate too', async () => {
    const { verdict } = await send({ key_in_body: true }, { method: 'POST', headers: [FORM], body: 'apikey=a-secret-key&apikey=x' });
    expect(messageOf(verdict)).toBe('Duplicate API key found');
  });
});

describe('semantics §6 key-auth: challenge, hiding, headers', () => {
  it('§6 every 401 carries the challenge: Key realm="<realm>" on a duplicate and on a missing key as well', async () => {
    for (const spec of [{}, { headers: [['apikey', 'x'], ['apikey', 'y']] as Array<[string, string]> }, { headers: [['apikey', 'unknown']] as Array<[string, string]> }]) {
      const { verdict } = await send({ realm: 'partners' }, spec);
      expect(replyOf(verdict).status).toBe(401);
      expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Key realm="partners"']);
    }
  });

  it('§6 hide_credentials removes the name from the header, the query and the body, wherever the key was found', async () => {
    const { verdict, ctx } = await send(
      { key_in_body: true, hide_credentials: true },
      { method: 'POST', path: '/orders', query: 'apikey=copy&page=2', headers: [['apikey', 'a-secret-key'], FORM, ['Content-Length', '23']], body: 'apikey=copy&x=1' },
    );
    expect(verdict.kind).toBe('next');
    expect(ctx.upstream.headers.has('apikey')).toBe(false);
    expect(ctx.upstream.path).toBe('/orders?page=2');
    expect(ctx.upstream.body).toBe('x=1');
    // The body changed length: the client's Content-Length would now lie.
    expect(ctx.upstream.headers.has('content-length')).toBe(false);
  });

  it('§6 hide_credentials removes a JSON body field', async () => {
    const { ctx } = await send({ key_in_body: true, hide_credentials: true }, { method: 'POST', headers: [JSON_TYPE], body: '{"apikey":"a-secret-key","n":1}' });
    expect(JSON.parse(ctx.upstream.body ?? '')).toEqual({ n: 1 });
  });

  it('§6 success: X-Consumer-ID, X-Consumer-Custom-ID, X-Consumer-Username, X-Credential-Identifier; no X-Anonymous-Consumer', async () => {
    const { ctx } = await send({}, { headers: [['apikey', 'a-secret-key'], ['X-Anonymous-Consumer', 'true']] });
    const h = ctx.upstream.headers;
    expect([h.get('X-Consumer-ID'), h.get('X-Consumer-Custom-ID'), h.get('X-Consumer-Username'), h.get('X-Credential-Identifier')]).toEqual(['id-partner-a', 'crm-7', 'partner-a', 'cred-a']);
    expect(h.has('X-Anonymous-Consumer')).toBe(false);
  });

  it('§6 a consumer without custom_id: a forged X-Consumer-Custom-ID is cleared, not passed on', async () => {
    const { ctx } = await send({}, { headers: [['apikey', 'p-secret-key'], ['X-Consumer-Custom-ID', 'forged']] });
    expect(ctx.upstream.headers.has('X-Consumer-Custom-ID')).toBe(false);
    expect(ctx.upstream.headers.get('X-Consumer-Username')).toBe('plain');
  });

  it('§6 anonymous set and a valid key: the real consumer, not the anonymous one', async () => {
    const { ctx } = await send({ anonymous: 'anonymous' }, { headers: [['apikey', 'a-secret-key']] });
    expect(ctx.consumer?.username).toBe('partner-a');
    expect(ctx.upstream.headers.has('X-Anonymous-Consumer')).toBe(false);
  });

  it('§6 anonymous may name the consumer by id as well as by username', async () => {
    const { ctx, verdict } = await send({ anonymous: 'id-anonymous' }, {});
    expect(verdict.kind).toBe('next');
    expect(ctx.consumer?.username).toBe('anonymous');
  });

  it('§6 run_on_preflight defaults to true: an OPTIONS request without a key is refused', async () => {
    const { verdict } = await send({}, { method: 'OPTIONS' });
    expect(replyOf(verdict).status).toBe(401);
  });
});

// A credential's ttl (once listed here as a difference) is pinned by ttl.test.ts and engine/config/kong/keyauth-ttl.test.ts.
