import { describe, expect, it } from 'vitest';
import { collecting, consumer, context, hooksOf, jsonBody, replyOf, run } from '../kit/test-kit.ts';
import { constantTimeEqual } from '../kit/kong-auth.ts';
import { keyAuthPlugin } from './plugin.ts';

const partner = consumer('partner-a', [{ kind: 'key-auth', id: 'cred-a', fields: { key: 'a-secret-key' } }], ['free']);
const anon = consumer('anonymous');
const LESSON = { key_names: ['X-API-Key', 'apikey'], hide_credentials: true };

describe('key-auth (Kong, semantics §6)', () => {
  it('§6 priority 1250 and Kong defaults: key_names [apikey], header and query, not body, hide off', () => {
    expect(keyAuthPlugin.priority).toBe(1250);
    const c = keyAuthPlugin.parse({}, collecting());
    expect(c).toEqual({ key_names: ['apikey'], key_in_header: true, key_in_query: true, key_in_body: false, hide_credentials: false, run_on_preflight: true });
  });

  it('§6 no key: 401 {"message":"No API key found in request"} with WWW-Authenticate: Key', async () => {
    const { verdict } = await run(hooksOf(keyAuthPlugin, LESSON, [partner]), context());
    const r = replyOf(verdict);
    expect(r.status).toBe(401);
    expect(jsonBody(verdict)).toEqual({ message: 'No API key found in request', request_id: 'req-1' });
    expect(r.headers).toContainEqual(['WWW-Authenticate', 'Key']);
    expect(r.reason).toContain('no X-API-Key or apikey in the headers or query string');
  });

  it('§6 the 401 answers through kong.response.error: HTML for a browser, the challenge unchanged', async () => {
    const { verdict } = await run(hooksOf(keyAuthPlugin, LESSON, [partner]), context({ headers: [['Accept', 'text/html']] }));
    const r = replyOf(verdict);
    expect(r.status).toBe(401);
    expect(r.headers).toEqual([['WWW-Authenticate', 'Key'], ['Content-Type', 'text/html; charset=utf-8']]);
    expect(r.body).toContain('<p>No API key found in request.</p>\n    <p>request_id: req-1</p>');
  });

  it('§6 an unknown key: 401 "Unauthorized" (Kong 3.7+), realm in the challenge when set', async () => {
    const hooks = hooksOf(keyAuthPlugin, { ...LESSON, realm: 'partners' }, [partner]);
    const { verdict } = await run(hooks, context({ headers: [['X-API-Key', 'wrong']] }));
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Unauthorized' });
    expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Key realm="partners"']);
  });

  it('§6 a repeated key is "Duplicate API key found"', async () => {
    const ctx = context({ headers: [['X-API-Key', 'a-secret-key'], ['X-API-Key', 'other']] });
    const { verdict } = await run(hooksOf(keyAuthPlugin, LESSON, [partner]), ctx);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Duplicate API key found' });
  });

  it('§6 hide_credentials: true — the header never reaches the backend; consumer headers do', async () => {
    const ctx = context({ headers: [['X-API-Key', 'a-secret-key'], ['X-Consumer-Username', 'forged-admin']] });
    const { verdict } = await run(hooksOf(keyAuthPlugin, LESSON, [partner]), ctx);
    expect(verdict.kind).toBe('next');
    expect(ctx.upstream.headers.has('x-api-key')).toBe(false);
    expect(ctx.upstream.headers.get('X-Consumer-Username')).toBe('partner-a');
    expect(ctx.upstream.headers.get('X-Consumer-ID')).toBe('id-partner-a');
    expect(ctx.upstream.headers.get('X-Credential-Identifier')).toBe('cred-a');
    expect(ctx.consumer?.username).toBe('partner-a');
    expect(ctx.credentialId).toBe('cred-a');
    expect(verdict.reason).toContain('hide_credentials removed header X-API-Key');
    expect(verdict.reason).not.toContain('a-secret-key');
  });

  it('§6 hide_credentials: false (default) — the backend receives the key, and the reason says so', async () => {
    const ctx = context({ headers: [['X-API-Key', 'a-secret-key']] });
    const { verdict } = await run(hooksOf(keyAuthPlugin, { key_names: ['X-API-Key'] }, [partner]), ctx);
    expect(ctx.upstream.headers.get('x-api-key')).toBe('a-secret-key');
    expect(verdict.reason).toContain('hide_credentials is off, so the backend receives the key');
  });

  it('the accepted reason is the same sentence for every request with the same key (remembered or not)', async () => {
    const hooks = hooksOf(keyAuthPlugin, { key_names: ['X-API-Key'] }, [partner]);
    const want = "key a-se… from header X-API-Key is consumer partner-a's credential; hide_credentials is off, so the backend receives the key in header X-API-Key";
    for (let i = 0; i < 3; i++) {
      const { verdict } = await run(hooks, context({ headers: [['X-API-Key', 'a-secret-key']] }));
      expect(verdict.reason).toBe(want);
      expect(verdict.data).toEqual({ consumer: 'partner-a', credential: 'cred-a', source: 'header', name: 'X-API-Key', hidden: false, removed: '' });
    }
  });

  it('§6 query fallback: ?apikey= works and is removed from the upstream query when hidden', async () => {
    const ctx = context({ path: '/orders', query: 'apikey=a-secret-key&page=2' });
    const { verdict } = await run(hooksOf(keyAuthPlugin, LESSON, [partner]), ctx);
    expect(verdict.data).toMatchObject({ source: 'query', name: 'apikey' });
    expect(ctx.upstream.path).toBe('/orders?page=2');
  });

  it('§6 the header is tried before the query for the same name, names in order', async () => {
    const ctx = context({ headers: [['apikey', 'a-secret-key']], query: 'X-API-Key=nope' });
    const { verdict } = await run(hooksOf(keyAuthPlugin, LESSON, [partner]), ctx);
    // X-API-Key comes first in key_names: found in the query before apikey's header is looked at.
    expect(replyOf(verdict).status).toBe(401);
    expect(verdict.reason).toContain('from query X-API-Key');
  });

  it('§6 key_in_body reads a form body and removes the field when hidden', async () => {
    const ctx = context({ method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'apikey=a-secret-key&x=1' });
    const { verdict } = await run(hooksOf(keyAuthPlugin, { key_in_body: true, hide_credentials: true }, [partner]), ctx);
    expect(verdict.kind).toBe('next');
    expect(ctx.upstream.body).toBe('x=1');
  });

  it('§6 key_in_body reads a multipart/form-data body too, and hide_credentials drops the key\'s part', async () => {
    const body = '--XyZ\r\nContent-Disposition: form-data; name="apikey"\r\n\r\na-secret-key\r\n--XyZ\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--XyZ--\r\n';
    const ctx = context({ method: 'POST', headers: [['Content-Type', 'multipart/form-data; boundary=XyZ']], body });
    const { verdict } = await run(hooksOf(keyAuthPlugin, { key_in_body: true, hide_credentials: true }, [partner]), ctx);
    expect(verdict.kind).toBe('next');
    expect(ctx.consumer?.username).toBe(partner.username);
    expect(ctx.upstream.body).toBe('--XyZ\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n--XyZ--\r\n');
    const twice = context({ method: 'POST', headers: [['Content-Type', 'multipart/form-data; boundary=XyZ']], body: body.replace('name="x"\r\n\r\n1', 'name="apikey"\r\n\r\nother') });
    const dup = await run(hooksOf(keyAuthPlugin, { key_in_body: true }, [partner]), twice);
    expect(replyOf(dup.verdict).status).toBe(401);
  });

  it('§6 anonymous: a failure continues as the anonymous consumer with X-Anonymous-Consumer: true', async () => {
    const ctx = context();
    const { verdict } = await run(hooksOf(keyAuthPlugin, { anonymous: 'anonymous' }, [partner, anon]), ctx);
    expect(verdict.kind).toBe('next');
    expect(ctx.consumer?.username).toBe('anonymous');
    expect(ctx.credentialId).toBeUndefined();
    expect(ctx.upstream.headers.get('X-Anonymous-Consumer')).toBe('true');
  });

  it('§6 anonymous naming a missing consumer: 500', async () => {
    const { verdict } = await run(hooksOf(keyAuthPlugin, { anonymous: 'ghost' }, [partner]), context());
    expect(replyOf(verdict).status).toBe(500);
  });

  it('§6 anonymous: already authenticated by another plugin → key-auth does not run', async () => {
    const ctx = context();
    ctx.credentialId = 'jwt-cred';
    const { verdict } = await run(hooksOf(keyAuthPlugin, { anonymous: 'anonymous' }, [partner, anon]), ctx);
    expect(verdict.reason).toContain('logical OR');
  });

  it('§6 run_on_preflight: false lets OPTIONS through', async () => {
    const { verdict } = await run(hooksOf(keyAuthPlugin, { run_on_preflight: false }, [partner]), context({ method: 'OPTIONS' }));
    expect(verdict.kind).toBe('next');
  });

  it('rejects a bad key name and an unknown field, as Kong\'s schema does', () => {
    const r = collecting();
    keyAuthPlugin.parse({ key_names: ['x api key'], hide_credential: true }, r);
    expect(r.items.map((i) => `${i.path} ${i.code}`)).toEqual(['hide_credential GL_E_UNKNOWN_FIELD', 'key_names.0 GL_E_CONFIG_INVALID']);
  });

  it('compares keys in constant time (whole length, no early exit)', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
