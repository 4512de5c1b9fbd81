import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { RequestContext, RouteMatch } from '../../pipeline/types.ts';
import { collectingReporter } from '../header-modifier/test-kit.ts';
import { parseUrlRewriteConfig } from './config.ts';
import { urlRewritePlugin } from './plugin.ts';

const host = { now: () => 0, draw: () => 0, replica: 'gw-0' };

function ctx(path: string, query: string, matchedPrefix?: string): RequestContext {
  const headers = new HeaderMap([['Host', 'a.example']]);
  return {
    request: { id: 'r', method: 'GET', scheme: 'http', host: 'a.example', port: 80, path, query, headers, peerIp: '1.2.3.4' },
    clientIp: '1.2.3.4',
    upstream: { method: 'GET', host: 'a.example', path: query ? `${path}?${query}` : path, headers: headers.clone() },
    vars: {},
    ...(matchedPrefix !== undefined ? { match: { matchedPrefix } as RouteMatch } : {}),
  };
}

describe('url-rewrite', () => {
  it('replaces the matched prefix and keeps the query', () => {
    const hooks = urlRewritePlugin.create({ path: { type: 'ReplacePrefixMatch', value: '/v2' } }, { instanceId: 'i', scope: {} });
    const c = ctx('/api/items', 'page=2', '/api');
    const v = hooks.access?.(c, host);
    expect(c.upstream.path).toBe('/v2/items?page=2');
    expect(v?.reason).toBe('rewrote path /api/items?page=2 → /v2/items?page=2 (ReplacePrefixMatch → /v2 of matched prefix /api)');
  });

  it('replaces the full path and the Host', () => {
    const hooks = urlRewritePlugin.create({ hostname: 'internal.example', path: { type: 'ReplaceFullPath', value: '/x' } }, { instanceId: 'i', scope: {} });
    const c = ctx('/a/b', '');
    hooks.access?.(c, host);
    expect(c.upstream).toMatchObject({ host: 'internal.example', path: '/x' });
  });

  it('validates hostname and path modifier', () => {
    const r = collectingReporter();
    parseUrlRewriteConfig({ hostname: '*.x.com', path: { type: 'ReplaceFullPath', replacePrefixMatch: '/a' } }, r);
    expect(r.items.map((i) => i.path)).toEqual(['hostname', 'path.replacePrefixMatch', 'path.replaceFullPath']);
  });
});
