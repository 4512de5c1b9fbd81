/**
 * Semantics §6, request-transformer: the rules plugin.test.ts and test/semantics/s06-kong.test.ts do not
 * already pin — the http_method family, the remove → rename → replace → add → append order inside the
 * querystring family too, append on a header that is already there, and the one documented difference:
 * body transforms are not modelled (warned, body left alone).
 */
import { describe, expect, it } from 'vitest';
import { collecting, context, hooksOf, run } from '../kit/test-kit.ts';
import { requestTransformerPlugin } from './plugin.ts';

const transform = async (config: Record<string, unknown>, spec: Parameters<typeof context>[0] = {}) => {
  const ctx = context(spec);
  const { verdict } = await run(hooksOf(requestTransformerPlugin, config), ctx);
  return { ctx, verdict };
};

describe('semantics §6 request-transformer: families', () => {
  it('§6 http_method sets the upstream method', async () => {
    const { ctx } = await transform({ http_method: 'POST' }, { method: 'GET' });
    expect(ctx.upstream.method).toBe('POST');
    expect(ctx.request.method).toBe('GET');
  });

  it('§6 replace.uri comes before the querystring family: the new path keeps the query, which is then transformed', async () => {
    const { ctx } = await transform({ replace: { uri: '/v2/items' }, add: { querystring: ['src:gw'] }, remove: { querystring: ['debug'] } }, { path: '/v1/items', query: 'debug=1&page=2' });
    expect(ctx.upstream.path).toBe('/v2/items?page=2&src=gw');
  });
});

describe('semantics §6 request-transformer: remove → rename → replace → add → append inside querystring', () => {
  it('§6 remove runs before add: removing and adding the same argument leaves the added value', async () => {
    const { ctx } = await transform({ add: { querystring: ['a:new'] }, remove: { querystring: ['a'] } }, { query: 'a=old' });
    expect(ctx.upstream.path).toBe('/orders?a=new');
  });

  it('§6 rename runs before replace: the renamed argument is then replaced', async () => {
    const { ctx } = await transform({ replace: { querystring: ['y:r'] }, rename: { querystring: ['x:y'] } }, { query: 'x=1' });
    expect(ctx.upstream.path).toBe('/orders?y=r');
  });

  it('§6 add runs before append: both values are sent, add\'s first', async () => {
    const { ctx } = await transform({ append: { querystring: ['z:2'] }, add: { querystring: ['z:1'] } });
    expect(ctx.upstream.path).toBe('/orders?z=1&z=2');
  });

  it('§6 replace only changes an argument that is there; add only adds one that is not', async () => {
    const { ctx } = await transform({ replace: { querystring: ['missing:x'] }, add: { querystring: ['page:9'] } }, { query: 'page=2' });
    expect(ctx.upstream.path).toBe('/orders?page=2');
  });

  it('§6 append adds a value to an argument that is there (a multi-value)', async () => {
    const { ctx } = await transform({ append: { querystring: ['tag:b'] } }, { query: 'tag=a' });
    expect(ctx.upstream.path).toBe('/orders?tag=a&tag=b');
  });

  it('§6 rename of an argument that is not there changes nothing', async () => {
    const { ctx } = await transform({ rename: { querystring: ['old:new'] } }, { query: 'keep=1' });
    expect(ctx.upstream.path).toBe('/orders?keep=1');
  });
});

describe('semantics §6 request-transformer: headers', () => {
  it('§6 append always adds: a header already present ends with both values', async () => {
    const { ctx } = await transform({ append: { headers: ['X-Tag:b'] } }, { headers: [['X-Tag', 'a']] });
    expect(ctx.upstream.headers.getAll('X-Tag')).toEqual(['a', 'b']);
  });

  it('§6 append of a value that renders empty adds nothing: no empty extra value, and no header where there was none', async () => {
    // Kong sets the header to {existing…, ""}; lua-nginx-module adds the later empty value with hash 0,
    // which ngx_http_proxy_module leaves out of the upstream request, and a lone "" sets nothing.
    const config = { append: { headers: ['X-Tag:$(headers["x-missing"])'] } };
    const present = await transform(config, { headers: [['X-Tag', 'a']] });
    expect(present.ctx.upstream.headers.getAll('X-Tag')).toEqual(['a']);
    expect(present.verdict.reason).toContain('append X-Tag: the value rendered empty, so nginx sent no extra value');
    const absent = await transform(config);
    expect(absent.ctx.upstream.headers.has('X-Tag')).toBe(false);
  });

  it('§6 rename moves the value when present, and does nothing when absent', async () => {
    const moved = await transform({ rename: { headers: ['X-Old:X-New'] } }, { headers: [['X-Old', 'v']] });
    expect([moved.ctx.upstream.headers.has('X-Old'), moved.ctx.upstream.headers.get('X-New')]).toEqual([false, 'v']);
    const absent = await transform({ rename: { headers: ['X-Old:X-New'] } }, { headers: [['X-New', 'kept']] });
    expect(absent.ctx.upstream.headers.get('X-New')).toBe('kept');
  });

  it('§6 replace runs after rename: a header renamed into place can be replaced', async () => {
    const { ctx } = await transform({ replace: { headers: ['X-New:replaced'] }, rename: { headers: ['X-Old:X-New'] } }, { headers: [['X-Old', 'v']] });
    expect(ctx.upstream.headers.getAll('X-New')).toEqual(['replaced']);
  });
});

describe('semantics §6 request-transformer: where gatelab differs (docs/plugins/request-transformer.md)', () => {
  it('§6 body transforms are not modelled: each body action warns and the body reaches the backend unchanged', async () => {
    const config = { add: { body: ['source:gw'] }, remove: { body: ['secret'] } };
    const r = collecting();
    requestTransformerPlugin.parse(config, r);
    expect(r.items.map((i) => `${i.path} ${i.code}`)).toEqual(['remove.body.0 GL_W_NO_EFFECT', 'add.body.0 GL_W_NO_EFFECT']);
    const { ctx } = await transform(config, { method: 'POST', headers: [['Content-Type', 'application/json']], body: '{"secret":1}' });
    expect(ctx.upstream.body).toBe('{"secret":1}');
  });
});
