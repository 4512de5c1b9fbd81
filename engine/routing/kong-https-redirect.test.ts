/**
 * An https-only Kong route reached over plain http (semantics §6: https_redirect_status_code, default
 * 426). kong/runloop/handler.lua answers 426 through kong.response.error, and 301/302/307/308 with
 * `header["Location"] = "https://" .. forwarded_host .. request_uri` and `kong.response.exit(code)`
 * without a body — so nginx writes its own page (src/http/ngx_http_special_response.c), whose tail
 * Kong's OpenResty build strips of the server line, typed text/html (charset added by
 * `nginx_http_charset = UTF-8`, except for 301 and 302).
 */
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../config/load-gateway.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { createKongBehaviour } from '../pipeline/dialects/kong.ts';
import type { ChainHost } from '../pipeline/chain.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import { kongServiceHead } from '../pipeline/test-kit.ts';
import { context } from '../plugins/kit/test-kit.ts';
import { createKongRouter, type KongMatchRequest, type KongRouterReply } from './kong-router.ts';
import { nginxRedirectPage } from './nginx-redirect-page.ts';

const CODES = [301, 302, 307, 308] as const;

const YAML = `${kongServiceHead('s', 'http://s.internal:8080')}      - name: upgrade
        paths: [/upgrade]
        protocols: [https]
${CODES.map((c) => `      - name: r${c}\n        paths: [/r${c}]\n        protocols: [https]\n        https_redirect_status_code: ${c}\n`).join('')}`;

function load() {
  const parsed = parseYaml(YAML, 'kong.yaml');
  const loaded = loadGateway({ sources: [{ file: 'kong.yaml', docs: parsed.docs }], overlays: [] });
  if (!loaded.ir) throw new Error('the test config did not load');
  return loaded.ir;
}

const ir = load();
const router = createKongRouter(ir);

function reply(path: string, extra: Partial<KongMatchRequest> = {}): KongRouterReply {
  const q = path.indexOf('?');
  const out = router.match({
    method: 'GET',
    scheme: 'http',
    host: 'API.Example.com:8000',
    port: 8000,
    path: q >= 0 ? path.slice(0, q) : path,
    query: q >= 0 ? path.slice(q + 1) : '',
    headers: new HeaderMap([]),
    ...extra,
  });
  if ('route' in out) throw new Error(`${path} was proxied`);
  return out;
}

/** nginx's page, written out by hand (not through nginxRedirectPage), so the test pins the bytes. */
const PAGES: Record<(typeof CODES)[number], string> = {
  301: '<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n</body>\r\n</html>\r\n',
  302: '<html>\r\n<head><title>302 Found</title></head>\r\n<body>\r\n<center><h1>302 Found</h1></center>\r\n</body>\r\n</html>\r\n',
  307: '<html>\r\n<head><title>307 Temporary Redirect</title></head>\r\n<body>\r\n<center><h1>307 Temporary Redirect</h1></center>\r\n</body>\r\n</html>\r\n',
  308: '<html>\r\n<head><title>308 Permanent Redirect</title></head>\r\n<body>\r\n<center><h1>308 Permanent Redirect</h1></center>\r\n</body>\r\n</html>\r\n',
};

describe('semantics §6: an https-only route redirects with nginx\'s own page', () => {
  it.each(CODES)('%i: nginx\'s page without the server line, its Content-Type, Content-Length and Location', (code) => {
    const r = reply(`/r${code}/a%20b?x=1&y`);
    expect(r.status).toBe(code);
    expect(r.message).toBeUndefined();
    expect(r.body).toBe(PAGES[code]);
    expect(r.body).not.toContain('openresty');
    expect(r.headers).toEqual([
      ['Content-Type', code === 301 || code === 302 ? 'text/html' : 'text/html; charset=UTF-8'],
      ['Content-Length', String(Buffer.byteLength(PAGES[code]))],
      // $host: no port, lower-cased; request_uri as the client sent it, query included.
      ['Location', `https://api.example.com/r${code}/a%20b?x=1&y`],
    ]);
    expect(r.reason).toMatch(new RegExp(`the route accepts https only and the request came over http: redirect ${code} to https://api\\.example\\.com/r${code}/a%20b\\?x=1&y$`));
  });

  it('the lengths: plain nginx\'s familiar 162 (301) and 138 (302) less the 28-byte "<hr><center>nginx</center>" line', () => {
    expect(nginxRedirectPage(301)?.body.length).toBe(162 - 28);
    expect(nginxRedirectPage(302)?.body.length).toBe(138 - 28);
    expect(nginxRedirectPage(308)?.body.length).toBe(136);
    expect(nginxRedirectPage(426)).toBeUndefined();
  });

  it('X-Forwarded-Host from a trusted peer is used as written, port and all', () => {
    const r = reply('/r308', { forwardedHost: 'public.example.com:8443' });
    expect(r.headers).toContainEqual(['Location', 'https://public.example.com:8443/r308']);
  });

  it('no Host at all: nginx\'s $host falls back to the server_name, "kong"', () => {
    expect(reply('/r301', { host: '' }).headers).toContainEqual(['Location', 'https://kong/r301']);
  });

  it('426 stays kong.response.error: a message for the Accept negotiation, Upgrade headers', () => {
    const r = reply('/upgrade');
    expect(r.status).toBe(426);
    expect(r.message).toBe('Please use HTTPS protocol');
    expect(r.headers).toEqual([
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'TLS/1.2, HTTP/1.1'],
    ]);
  });
});

describe('the Kong dialect passes the redirect on as nginx wrote it', () => {
  const kong = createKongBehaviour(ir);
  const miss = (path: string, headers: Array<[string, string]> = []) => {
    const out = kong.route(context({ id: 'rid-7', path, host: 'api.example.com:8000', headers }), {} as ChainHost);
    if ('route' in out) throw new Error(`${path} was proxied`);
    return out;
  };

  it('whatever Accept says: the HTML page, no request id, no JSON', () => {
    for (const accept of [[], [['Accept', 'application/json']] as Array<[string, string]>]) {
      const r = miss('/r307/x', accept);
      expect(r.status).toBe(307);
      expect(r.body).toBe(PAGES[307]);
      expect(r.headers).toContainEqual(['Location', 'https://api.example.com/r307/x']);
    }
  });

  it('the 426 is still negotiated and carries the request id', () => {
    expect(miss('/upgrade', [['Accept', 'text/plain']]).body).toBe('Please use HTTPS protocol\nrequest_id: rid-7\n');
  });
});

describe('X-Forwarded-Proto / -Host count only from a trusted peer (handler.lua: kong.ip.is_trusted)', () => {
  const trustedIr = (() => {
    const parsed = parseYaml(`${YAML}_gatelab:\n  trusted_ips: 10.0.0.0/8\n`, 'kong.yaml');
    const loaded = loadGateway({ sources: [{ file: 'kong.yaml', docs: parsed.docs }], overlays: [] });
    if (!loaded.ir) throw new Error('the test config did not load');
    return loaded.ir;
  })();
  const kong = createKongBehaviour(trustedIr);
  const route = (peerIp: string, headers: Array<[string, string]>, path = '/r301/x') => kong.route(context({ id: 'rid-8', path, peerIp, headers }), {} as ChainHost);

  it('semantics §6: a trusted load balancer that terminated TLS (X-Forwarded-Proto: https) gets the route, not a redirect', () => {
    const out = route('10.1.2.3', [['X-Forwarded-Proto', 'https']]);
    expect('route' in out && out.route.name).toBe('r301');
  });

  it('the redirect points at the trusted X-Forwarded-Host', () => {
    const out = route('10.1.2.3', [['X-Forwarded-Host', 'shop.example.com']]);
    expect('route' in out ? undefined : out.headers).toContainEqual(['Location', 'https://shop.example.com/r301/x']);
  });

  it('from an untrusted peer both headers are ignored', () => {
    const out = route('203.0.113.9', [['X-Forwarded-Proto', 'https'], ['X-Forwarded-Host', 'shop.example.com']]);
    expect('route' in out ? undefined : [out.status, out.headers?.find(([n]) => n === 'Location')]).toEqual([301, ['Location', 'https://api.example.com/r301/x']]);
  });
});
