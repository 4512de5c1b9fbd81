import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { collecting, context, hooksOf, replyOf, run } from '../kit/test-kit.ts';
import { corsPlugin, normalizeOrigin } from './plugin.ts';

const APP = { origins: ['https://app.example.com', 'https://.*\\.partner\\.example'], headers: [], exposed_headers: ['X-Request-ID'], max_age: 600, credentials: true };
const preflight = (origin: string) =>
  context({ method: 'OPTIONS', headers: [['Origin', origin], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'authorization,content-type']] });

describe('cors (Kong)', () => {
  it('priority 2000: it runs before every auth plugin', () => {
    expect(corsPlugin.priority).toBe(2000);
    expect(corsPlugin.parse({}, collecting()).methods).toContain('CONNECT');
  });

  it('a preflight is answered 200 by the gateway with the allow headers (echoing the requested headers)', async () => {
    const { verdict } = await run(hooksOf(corsPlugin, APP), preflight('https://app.example.com'));
    const r = replyOf(verdict);
    expect(r.status).toBe(200);
    const h = new HeaderMap(r.headers ?? []);
    expect(h.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(h.get('access-control-allow-credentials')).toBe('true');
    expect(h.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(h.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT');
    expect(h.get('access-control-max-age')).toBe('600');
    expect(h.get('vary')).toBe('Origin');
    expect(r.reason).toContain('before any auth plugin runs');
  });

  it('an actual response gets the origin back when it matches, a regex origin included; others get none', async () => {
    const ok = await run(hooksOf(corsPlugin, APP), context({ headers: [['Origin', 'https://shop.partner.example']] }));
    expect(ok.response?.headers.get('access-control-allow-origin')).toBe('https://shop.partner.example');
    expect(ok.response?.headers.get('access-control-expose-headers')).toBe('X-Request-ID');
    const no = await run(hooksOf(corsPlugin, APP), context({ headers: [['Origin', 'https://evil.example']] }));
    expect(no.response?.headers.has('access-control-allow-origin')).toBe(false);
    expect(no.response?.headers.get('vary')).toBe('Origin');
  });

  it('origins * with credentials: the origin is echoed, never * with credentials', async () => {
    const { response } = await run(hooksOf(corsPlugin, { origins: ['*'], credentials: true }), context({ headers: [['Origin', 'https://x.example']] }));
    expect(response?.headers.get('access-control-allow-origin')).toBe('https://x.example');
    expect(response?.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('normalizes origins as Kong does: default ports dropped, case folded', () => {
    expect(normalizeOrigin('HTTPS://App.Example.com:443').domain).toBe('https://app.example.com');
    expect(normalizeOrigin('http://a:8080').domain).toBe('http://a:8080');
  });
});
