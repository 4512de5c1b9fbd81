import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { collecting, context, hooksOf, run } from '../kit/test-kit.ts';
import { responseTransformerPlugin } from './plugin.ts';

const upstream = (headers: Array<[string, string]>, body?: string) => ({ headers: new HeaderMap(headers), ...(body !== undefined ? { body } : {}) });

describe('response-transformer (Kong, semantics §6)', () => {
  it('§6 priority 800; exercise 2: remove.headers strips X-Internal-Debug from responses', async () => {
    expect(responseTransformerPlugin.priority).toBe(800);
    const { response, effects } = await run(hooksOf(responseTransformerPlugin, { remove: { headers: ['X-Internal-Debug'] } }), context(), undefined, upstream([['X-Internal-Debug', 'db=primary'], ['Content-Type', 'text/plain']]));
    expect(response?.headers.has('x-internal-debug')).toBe(false);
    expect(response?.headers.get('content-type')).toBe('text/plain');
    expect(effects).toEqual([]);
  });

  it('§6 presence checks read the snapshot from before any change: remove X + add X does not add it back', async () => {
    const { response } = await run(
      hooksOf(responseTransformerPlugin, { remove: { headers: ['X-A'] }, add: { headers: ['X-A:new', 'X-B:b'] }, replace: { headers: ['X-A:replaced'] } }),
      context(),
      undefined,
      upstream([['X-A', 'old']]),
    );
    // replace sees X-A in the snapshot and sets it again; add does not, because X-A "was there".
    expect(response?.headers.getAll('X-A')).toEqual(['replaced']);
    expect(response?.headers.get('X-B')).toBe('b');
  });

  it('§6 JSON body: remove a field, rename, add a typed value; Content-Length goes', async () => {
    const body = JSON.stringify({ id: 7, internal_cost: 12.5, name: 'x' });
    const { response } = await run(
      hooksOf(responseTransformerPlugin, { remove: { json: ['internal_cost'] }, rename: { json: ['name:title'] }, add: { json: ['version:2'], json_types: ['number'] } }),
      context(),
      undefined,
      upstream([['Content-Type', 'application/json'], ['Content-Length', String(body.length)]], body),
    );
    expect(JSON.parse(response?.body ?? '')).toEqual({ id: 7, title: 'x', version: 2 });
    expect(response?.headers.has('content-length')).toBe(false);
  });

  it('§6 a non-JSON body is left alone; needsBody asks for the body only for JSON with JSON actions', async () => {
    const config = { remove: { json: ['secret'] } };
    const { response } = await run(hooksOf(responseTransformerPlugin, config), context(), undefined, upstream([['Content-Type', 'text/html']], '<p>secret</p>'));
    expect(response?.body).toBe('<p>secret</p>');
    const parsed = responseTransformerPlugin.parse(config, collecting());
    expect(responseTransformerPlugin.needsBody?.(parsed, { status: 200, headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]) })).toBe(true);
    expect(responseTransformerPlugin.needsBody?.(parsed, { status: 200, headers: new HeaderMap([['content-type', 'image/png']]) })).toBe(false);
    const headersOnly = responseTransformerPlugin.parse({ remove: { headers: ['x'] } }, collecting());
    expect(responseTransformerPlugin.needsBody?.(headersOnly, { status: 200, headers: new HeaderMap([['content-type', 'application/json']]) })).toBe(false);
  });
});
