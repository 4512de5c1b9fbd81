import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { RequestContext } from '../../pipeline/types.ts';
import { collectingReporter } from './test-kit.ts';
import { findPlugin, findVendorPlugin } from '../index.ts';
import { conflictingNames, parseHeaderModifierConfig } from './config.ts';
import { headerModifierPlugin, modifyHeaders } from './plugin.ts';

const host = { now: () => 0, draw: () => 0, replica: 'gw-0' };

function ctxWith(headers: Array<[string, string]>, response?: Array<[string, string]>): RequestContext {
  const h = new HeaderMap(headers);
  return {
    request: { id: 'r', method: 'GET', scheme: 'http', host: 'a', port: 80, path: '/', query: '', headers: h, peerIp: '1.2.3.4' },
    clientIp: '1.2.3.4',
    upstream: { method: 'GET', host: 'a', path: '/', headers: h.clone() },
    vars: {},
    ...(response ? { response: { status: 200, headers: new HeaderMap(response), source: 'upstream' as const } } : {}),
  };
}

describe('header-modifier', () => {
  it('is what RequestHeaderModifier and ResponseHeaderModifier map to', () => {
    expect(findPlugin('header-modifier')).toBe(headerModifierPlugin);
    expect(findVendorPlugin('gateway-api', 'RequestHeaderModifier')).toBe(headerModifierPlugin);
    expect(findVendorPlugin('gateway-api', 'ResponseHeaderModifier')).toBe(headerModifierPlugin);
  });

  it('set overwrites every line, add joins with a comma, remove deletes every line, names case-insensitive', () => {
    const h = new HeaderMap([['x-set', 'old'], ['X-Set', 'older'], ['x-add', 'a'], ['X-Remove', '1'], ['x-remove', '2']]);
    const done = modifyHeaders(h, { target: 'request', set: [{ name: 'X-Set', value: 'new' }], add: [{ name: 'X-Add', value: 'b' }, { name: 'X-New', value: 'n' }], remove: ['x-REMOVE'] });
    expect(h.toJSON()).toEqual({ 'x-set': 'new', 'x-add': 'a,b', 'x-new': 'n' });
    expect(done).toEqual(['set X-Set: new', 'added X-Add: b (now a,b)', 'added X-New: n', 'removed x-REMOVE']);
  });

  it('a request modifier edits what goes upstream in access; a response modifier edits the response', () => {
    const req = headerModifierPlugin.create({ target: 'request', set: [{ name: 'X-A', value: '1' }], add: [], remove: [] }, { instanceId: 'i', scope: {} });
    const ctx = ctxWith([['Accept', '*/*']], [['Server', 'x']]);
    expect(req.access?.(ctx, host)).toMatchObject({ kind: 'next', reason: 'request headers sent upstream: set X-A: 1' });
    expect(ctx.upstream.headers.get('x-a')).toBe('1');
    expect(ctx.request.headers.get('x-a')).toBeUndefined();
    const res = headerModifierPlugin.create({ target: 'response', set: [], add: [], remove: ['Server'] }, { instanceId: 'j', scope: {} });
    expect(res.access).toBeUndefined();
    res.response?.(ctx, host);
    expect(ctx.response?.headers.get('server')).toBeUndefined();
  });

  it('reports what the API server rejects', () => {
    const r = collectingReporter();
    parseHeaderModifierConfig({ set: [{ name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }], add: [{ name: 'bad name', value: 'v' }, { name: 'X-N', value: 3 }], remove: ['X', 'x'] }, r);
    expect(r.items.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "set.1.name: header 'x-a' appears twice in set",
      "add.0.name: 'bad name' is not a valid header name",
      'add.1.value: add[1].value must be a string',
      "remove.1: header 'x' appears twice in remove",
    ]);
  });

  it('finds names used by more than one action', () => {
    expect(conflictingNames({ set: [{ name: 'X-A', value: '' }], add: [{ name: 'x-b', value: '' }], remove: ['x-a'] })).toEqual(['x-a']);
  });
});
