import { describe, expect, it } from 'vitest';
import { collecting, consumer, context, hooksOf, jsonBody, replyOf, run } from '../kit/test-kit.ts';
import { basicAuthPlugin } from './plugin.ts';

const ops = consumer('ops', [{ kind: 'basic-auth', id: 'ba-ops', fields: { username: 'ops', password: 'p:ss word' } }]);
const basic = (user: string, pass: string) => `Basic ${btoa(`${user}:${pass}`)}`;

describe('basic-auth (Kong)', () => {
  it('priority 1100, realm "service" by default', () => {
    expect(basicAuthPlugin.priority).toBe(1100);
    expect(basicAuthPlugin.parse({}, collecting())).toEqual({ hide_credentials: false, realm: 'service' });
  });

  it('no credentials: 401 "Unauthorized" with WWW-Authenticate: Basic realm="service"', async () => {
    const { verdict } = await run(hooksOf(basicAuthPlugin, {}, [ops]), context());
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Unauthorized' });
    expect(replyOf(verdict).headers).toContainEqual(['WWW-Authenticate', 'Basic realm="service"']);
  });

  it('§6 the 401 answers through kong.response.error: XML when asked, after the Basic challenge', async () => {
    const { verdict } = await run(hooksOf(basicAuthPlugin, {}, [ops]), context({ headers: [['Accept', 'application/xml;q=0.9, text/html;q=0.1']] }));
    expect(replyOf(verdict).headers).toEqual([['WWW-Authenticate', 'Basic realm="service"'], ['Content-Type', 'application/xml; charset=utf-8']]);
    expect(replyOf(verdict).body).toContain('<message>Unauthorized</message>\n  <requestid>req-1</requestid>');
  });

  it('right user and password (a colon in the password is fine): consumer ops, X-Credential-Identifier = the user', async () => {
    const ctx = context({ headers: [['Authorization', basic('ops', 'p:ss word')]] });
    const { verdict } = await run(hooksOf(basicAuthPlugin, { hide_credentials: true }, [ops]), ctx);
    expect(verdict.kind).toBe('next');
    expect(ctx.upstream.headers.get('X-Credential-Identifier')).toBe('ops');
    expect(ctx.upstream.headers.has('authorization')).toBe(false);
  });

  it('wrong password and unknown user: 401 "Unauthorized"', async () => {
    for (const h of [basic('ops', 'nope'), basic('eve', 'x')]) {
      const { verdict } = await run(hooksOf(basicAuthPlugin, {}, [ops]), context({ headers: [['Authorization', h]] }));
      expect(jsonBody(verdict)).toMatchObject({ message: 'Unauthorized' });
    }
  });

  it('Proxy-Authorization is read first', async () => {
    const ctx = context({ headers: [['Proxy-Authorization', basic('ops', 'p:ss word')], ['Authorization', 'Bearer something-else']] });
    const { verdict } = await run(hooksOf(basicAuthPlugin, {}, [ops]), ctx);
    expect(verdict.data).toMatchObject({ header: 'Proxy-Authorization' });
  });
});
