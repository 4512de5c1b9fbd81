import { describe, expect, it } from 'vitest';
import type { RouteMatch } from '../../pipeline/types.ts';
import { collecting, context, hooksOf, run } from '../kit/test-kit.ts';
import { requestTransformerPlugin } from './plugin.ts';
import { renderTemplate } from './template.ts';

// Snippet 06 as the lesson writes it.
const SNIPPET_06 = {
  add: { headers: ['X-Request-ID:$(uuid)', 'X-Gateway-Version:v2'] },
  remove: { headers: ['X-Internal-Debug'] },
  rename: { headers: ['X-Old-Header:X-New-Header'] },
};

describe('request-transformer (Kong, semantics §6)', () => {
  it('§6 priority 801, access phase', () => {
    expect(requestTransformerPlugin.priority).toBe(801);
    const hooks = hooksOf(requestTransformerPlugin, {});
    expect(hooks.access).toBeDefined();
    expect(hooks.rewrite).toBeUndefined();
  });

  it('§6 snippet 06: $(uuid) is not a template variable — a warning; Kong renders it empty and nginx sends no such header', async () => {
    const r = collecting();
    requestTransformerPlugin.parse(SNIPPET_06, r);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ severity: 'warning', code: 'GL_W_LESSON_DIFFERS', path: 'add.headers.0' });
    expect(r.items[0]?.message).toContain('$(uuid) is not a request-transformer template variable');
    const ctx = context({ headers: [['X-Internal-Debug', '1'], ['X-Old-Header', 'legacy']] });
    const { verdict } = await run(hooksOf(requestTransformerPlugin, SNIPPET_06), ctx);
    const h = ctx.upstream.headers;
    expect(h.has('x-internal-debug')).toBe(false);
    expect(h.has('x-old-header')).toBe(false);
    expect(h.get('X-New-Header')).toBe('legacy');
    // lua-nginx-module's set_header adds nothing for an empty value: the header is absent, not "".
    expect(h.has('X-Request-ID')).toBe(false);
    expect(r.items[0]?.message).toContain('so nginx sends no X-Request-ID header at all');
    expect(h.get('X-Gateway-Version')).toBe('v2');
    expect(verdict.reason).toContain('removed header X-Internal-Debug');
    expect(verdict.reason).toContain('renamed header X-Old-Header → X-New-Header');
    expect(verdict.reason).toContain('add X-Request-ID: the value rendered empty, so nginx added no header');
  });

  it('a value that renders empty: replace removes the header, add adds none (lua-nginx-module set_header)', async () => {
    const ctx = context({ headers: [['X-Tenant', 't-1'], ['X-Plan', 'gold']] });
    const { verdict } = await run(
      hooksOf(requestTransformerPlugin, {
        replace: { headers: ['X-Tenant:$(headers["x-missing"])', 'X-Plan:$(headers["x-plan"])'] },
        add: { headers: ['X-Trace:$(query_params.trace)', 'X-Seen:yes'] },
      }),
      ctx,
    );
    const h = ctx.upstream.headers;
    expect(h.has('X-Tenant')).toBe(false);
    expect(h.get('X-Plan')).toBe('gold');
    expect(h.has('X-Trace')).toBe(false);
    expect(h.get('X-Seen')).toBe('yes');
    expect(verdict.reason).toContain('replace X-Tenant: the value rendered empty, so nginx removed the header');
  });

  it('§6 within headers: remove → rename → replace → add → append, whatever the YAML order', async () => {
    const ctx = context({ headers: [['A', 'a0'], ['B', 'b0']] });
    await run(
      hooksOf(requestTransformerPlugin, {
        append: { headers: ['C:c2'] },
        add: { headers: ['C:c1', 'B:never'] },
        replace: { headers: ['C:replaced-only-if-present', 'B:b1'] },
        rename: { headers: ['A:C'] },
        remove: { headers: ['A'] },
      }),
      ctx,
    );
    // A removed first, so the rename A→C has nothing to move; C is then added and appended.
    expect(ctx.upstream.headers.getAll('C')).toEqual(['c1', 'c2']);
    expect(ctx.upstream.headers.get('B')).toBe('b1');
  });

  it('§6 snippet 16: "X-Gateway: kong-prod" — the backend sees kong-prod (whitespace is not part of the value)', async () => {
    const ctx = context();
    await run(hooksOf(requestTransformerPlugin, { add: { headers: ['X-Gateway: kong-prod'] } }), ctx);
    expect(ctx.upstream.headers.get('X-Gateway')).toBe('kong-prod');
  });

  it('§6 add never overwrites, replace never creates', async () => {
    const ctx = context({ headers: [['X-Tenant', 'client']] });
    await run(hooksOf(requestTransformerPlugin, { add: { headers: ['X-Tenant:gateway'] }, replace: { headers: ['X-Missing:x'] } }), ctx);
    expect(ctx.upstream.headers.get('X-Tenant')).toBe('client');
    expect(ctx.upstream.headers.has('X-Missing')).toBe(false);
  });

  it('§6 templates: headers, query_params, uri_captures, with or-defaults', async () => {
    const ctx = context({ path: '/users/42/orders', query: 'v=3', headers: [['X-Client', 'web']] });
    ctx.match = { route: { paths: [{ kind: 'regex', value: '/users/(?<id>\\d+)/(\\w+)' }] }, service: undefined, reason: '' } as unknown as RouteMatch;
    await run(
      hooksOf(requestTransformerPlugin, {
        add: { headers: ['X-User:$(uri_captures.id)', 'X-Thing:$(uri_captures[2])', 'X-V:$(query_params.v)', 'X-C:$(headers.x_client)', 'X-D:$(headers["x-none"] or "none")'] },
      }),
      ctx,
    );
    const h = ctx.upstream.headers;
    expect([h.get('X-User'), h.get('X-Thing'), h.get('X-V'), h.get('X-C'), h.get('X-D')]).toEqual(['42', 'orders', '3', 'web', 'none']);
  });

  it('§6 querystring: remove, rename, add; replace.uri sets the upstream path and keeps the query', async () => {
    const ctx = context({ path: '/v1/items', query: 'debug=1&old=x&keep=y' });
    await run(hooksOf(requestTransformerPlugin, { replace: { uri: '/items' }, remove: { querystring: ['debug'] }, rename: { querystring: ['old:new'] }, add: { querystring: ['src:gw'] } }), ctx);
    expect(ctx.upstream.path).toBe('/items?keep=y&new=x&src=gw');
  });

  it('querystring rename of an absent argument clears one already under the new name (Kong access.lua has no presence check there)', async () => {
    const ctx = context({ path: '/v1/items', query: 'new=stale&keep=y' });
    await run(hooksOf(requestTransformerPlugin, { rename: { querystring: ['old:new'] } }), ctx);
    expect(ctx.upstream.path).toBe('/v1/items?keep=y');
    // Headers differ: Kong checks `if value then` before moving a header.
    const h = context({ headers: [['X-New', 'stale']] });
    await run(hooksOf(requestTransformerPlugin, { rename: { headers: ['X-Old:X-New'] } }), h);
    expect(h.upstream.headers.get('X-New')).toBe('stale');
  });

  it('escaped \\$( is a literal', () => {
    const env = { header: () => 'h', query: () => undefined, capture: () => undefined, shared: () => undefined };
    expect(renderTemplate('a\\$(headers.x)b$(headers.x)', env)).toBe('a$(headers.x)bh');
  });

  it('entries without a colon are config errors (Kong\'s colon_strings_array)', () => {
    const r = collecting();
    requestTransformerPlugin.parse({ add: { headers: ['X-No-Value'] } }, r);
    expect(r.items[0]).toMatchObject({ severity: 'error', path: 'add.headers.0' });
  });
});
