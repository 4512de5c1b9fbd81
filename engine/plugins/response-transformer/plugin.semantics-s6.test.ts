/**
 * Semantics §6, response-transformer: header_filter runs remove → rename → replace → add → append, and
 * every presence check reads the snapshot taken before any change (Kong's header_transformer.lua reads
 * `headers`, the response headers as they came); body_filter touches JSON bodies only and then clears
 * Content-Length. plugin.test.ts pins the priority, remove + add and the JSON basics; these are the rest.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { context, hooksOf, run } from '../kit/test-kit.ts';
import { responseTransformerPlugin } from './plugin.ts';

const respond = async (config: Record<string, unknown>, headers: Array<[string, string]>, body?: string) => {
  const { response } = await run(hooksOf(responseTransformerPlugin, config), context(), undefined, { headers: new HeaderMap(headers), ...(body !== undefined ? { body } : {}) });
  if (!response) throw new Error('no response');
  return response;
};

describe('semantics §6 response-transformer: header_filter', () => {
  it('§6 rename reads the snapshot: a header removed first is still renamed (its old value moves)', async () => {
    const h = (await respond({ remove: { headers: ['X-A'] }, rename: { headers: ['X-A:X-B'] } }, [['X-A', 'a']])).headers;
    expect([h.has('X-A'), h.get('X-B')]).toEqual([false, 'a']);
  });

  it('§6 replace reads the snapshot: a header that only exists after a rename is not replaced', async () => {
    const h = (await respond({ rename: { headers: ['X-A:X-B'] }, replace: { headers: ['X-B:replaced'] } }, [['X-A', 'a']])).headers;
    expect(h.getAll('X-B')).toEqual(['a']);
  });

  it('§6 rename onto a header that exists overwrites it', async () => {
    const h = (await respond({ rename: { headers: ['X-A:X-B'] } }, [['X-A', 'a'], ['X-B', 'b']])).headers;
    expect([h.has('X-A'), h.getAll('X-B')]).toEqual([false, ['a']]);
  });

  it('§6 replace only changes a header that is there; add only adds one that is not', async () => {
    const h = (await respond({ replace: { headers: ['X-Missing:x'] }, add: { headers: ['X-Present:new', 'X-New:n'] } }, [['X-Present', 'old']])).headers;
    expect([h.has('X-Missing'), h.getAll('X-Present'), h.get('X-New')]).toEqual([false, ['old'], 'n']);
  });

  it('§6 append always adds a value, after add: both lines are sent', async () => {
    const h = (await respond({ append: { headers: ['X-Tag:2', 'X-Old:b'] }, add: { headers: ['X-Tag:1'] } }, [['X-Old', 'a']])).headers;
    expect([h.getAll('X-Tag'), h.getAll('X-Old')]).toEqual([['1', '2'], ['a', 'b']]);
  });
});

describe('semantics §6 response-transformer: body_filter', () => {
  it('§6 a JSON body: remove → rename → replace → add → append on top-level fields', async () => {
    const body = JSON.stringify({ a: 1, old: 'x', keep: 'k', list: ['p'] });
    const res = await respond(
      {
        append: { json: ['list:q', 'fresh:f'] },
        add: { json: ['keep:never', 'added:yes'] },
        replace: { json: ['new:replaced', 'absent:never'] },
        rename: { json: ['old:new'] },
        remove: { json: ['a'] },
      },
      [['Content-Type', 'application/json; charset=utf-8'], ['Content-Length', String(body.length)]],
      body,
    );
    expect(JSON.parse(res.body ?? '')).toEqual({ new: 'replaced', keep: 'k', list: ['p', 'q'], added: 'yes', fresh: ['f'] });
    expect(res.headers.has('content-length')).toBe(false);
  });

  it('§6 JSON bodies only: a text body and its Content-Length are left as they are', async () => {
    const res = await respond({ remove: { json: ['a'] } }, [['Content-Type', 'text/plain'], ['Content-Length', '7']], '{"a":1}');
    expect(res.body).toBe('{"a":1}');
    expect(res.headers.get('content-length')).toBe('7');
  });

  it('§6 header actions alone leave a JSON body and its Content-Length untouched', async () => {
    const res = await respond({ add: { headers: ['X-A:1'] } }, [['Content-Type', 'application/json'], ['Content-Length', '7']], '{"a":1}');
    expect(res.body).toBe('{"a":1}');
    expect(res.headers.get('content-length')).toBe('7');
  });
});
