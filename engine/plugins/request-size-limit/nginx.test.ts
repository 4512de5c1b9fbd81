/**
 * request-size-limit, nginx flavour: nginx's client_max_body_size. Sources: nginx/nginx
 * src/http/ngx_http_core_module.c (ngx_http_core_find_config_phase: `client_max_body_size <
 * content_length_n` → 413 before the body is read; 0 skips the test), src/http/ngx_http_request_body.c
 * (ngx_http_request_body_chunked_filter: a chunked body refused once it passes the limit),
 * src/core/ngx_parse.c (ngx_parse_offset: k, m, g, 1024-based), src/http/ngx_http_special_response.c
 * (the 413 page); ingress-nginx internal/ingress/controller/config/config.go (proxy-body-size "1m").
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { collecting, context, drive, hooksOf, host, parsed, replyOf } from '../kit/test-kit.ts';
import { findConfigCheck, NGINX_413_BODY, parseNginxSize } from './nginx.ts';
import { requestSizeLimitPlugin } from './plugin.ts';

const nginx = (size: string, origin = 'proxy-body-size annotation') => ({ flavour: 'nginx', client_max_body_size: size, origin });
const MiB = 1048576;

async function access(raw: unknown, headers: Array<[string, string]>, stream?: unknown) {
  const hooks = hooksOf(requestSizeLimitPlugin, raw);
  const ctx = context({ method: 'POST', headers });
  if (stream !== undefined) ctx.upstream.stream = stream;
  return drive(hooks.access!(ctx, host()));
}

describe('ngx_parse_offset: the sizes nginx reads', () => {
  it('digits with k, m or g in either case, 1024-based; anything else is refused', () => {
    expect([parseNginxSize('0'), parseNginxSize('512'), parseNginxSize('8k'), parseNginxSize('1m'), parseNginxSize('2G')]).toEqual([0, 512, 8192, MiB, 2 * 1024 * MiB]);
    expect(parseNginxSize('8M')).toBe(8 * MiB);
    for (const bad of ['1.5m', '1mb', '-1', 'm', '', '10 m', '1t']) expect(parseNginxSize(bad), bad).toBeUndefined();
  });

  it('config.go default: an unset size is 1m; a size nginx refuses is a config error at its key', () => {
    expect(parsed(requestSizeLimitPlugin, { flavour: 'nginx' })).toEqual({ flavour: 'nginx', client_max_body_size: '1m', maxBytes: MiB, origin: 'client_max_body_size' });
    const r = collecting();
    requestSizeLimitPlugin.parse(nginx('1.5m'), r);
    expect(r.items).toEqual([expect.objectContaining({ severity: 'error', path: 'client_max_body_size' })]);
  });
});

describe('ngx_http_core_find_config_phase: a declared Content-Length', () => {
  const limit = { value: '1m', bytes: MiB, origin: 'proxy-body-size default' };
  const h = (pairs: Array<[string, string]>) => new HeaderMap(pairs);

  it('strictly greater is refused, naming the directive, the numbers and the setting; equal passes', () => {
    expect(findConfigCheck(h([['Content-Length', String(2 * MiB)]]), limit)).toBe('Content-Length 2097152 > client_max_body_size 1m (proxy-body-size default) → 413, the body discarded unread');
    expect(findConfigCheck(h([['Content-Length', String(MiB)]]), limit)).toBeUndefined();
    expect(findConfigCheck(h([['Content-Length', String(MiB + 1)]]), limit)).toMatch(/^Content-Length 1048577 > /);
  });

  it('0 disables the check; a chunked request has no length up front (content_length_n -1)', () => {
    expect(findConfigCheck(h([['Content-Length', String(9 * MiB)]]), { ...limit, value: '0', bytes: 0 })).toBeUndefined();
    expect(findConfigCheck(h([['Transfer-Encoding', 'chunked']]), limit)).toBeUndefined();
  });
});

describe('request-size-limit flavour nginx through the plugin', () => {
  it('a Content-Length over the limit: 413 with nginx\'s own page, the body unread', async () => {
    const r = await access(nginx('1k'), [['Content-Length', '1025']], 'x'.repeat(1025));
    const v = replyOf(r.verdict);
    expect([v.status, v.body, v.headers]).toEqual([413, NGINX_413_BODY, [['Content-Type', 'text/html']]]);
    expect(v.body).toContain('<center><h1>413 Request Entity Too Large</h1></center>');
    expect(r.effects).toEqual([]);
  });

  it('ngx_http_request_body_chunked_filter: a chunked body is read up to the limit and refused past it', async () => {
    const over = await access(nginx('4'), [['Transfer-Encoding', 'chunked']], 'hello');
    expect(over.effects).toEqual([expect.objectContaining({ type: 'read-body', maxBytes: 4 })]);
    expect(replyOf(over.verdict).status).toBe(413);
    expect(replyOf(over.verdict).reason).toMatch(/^chunked body: .* > client_max_body_size 4 \(proxy-body-size annotation\) → 413$/);
    const under = await access(nginx('5'), [['Transfer-Encoding', 'chunked']], 'hello');
    expect(under.verdict.kind).toBe('next');
  });

  it('client_max_body_size 0: nothing is read and nothing refused', async () => {
    const r = await access(nginx('0'), [['Transfer-Encoding', 'chunked']], 'x'.repeat(100));
    expect(r.verdict.kind).toBe('next');
    expect(r.effects).toEqual([]);
  });
});
