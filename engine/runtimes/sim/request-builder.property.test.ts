/**
 * buildRequest clones headers built once per template, and request.start's URL is made once per
 * template: both must give what building from scratch gave (the old definition, copied here), for the
 * first request and every later one, and a template replaced piecewise must be noticed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { IncomingRequest } from '../../pipeline/types.ts';
import type { RequestTemplate } from '../../scenario/types.ts';
import { buildRequest, parseRequestUrl, requestTraceUrl } from './request-builder.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] request builder seed=${seed} (replay: FC_SEED=${seed})`);

function referenceBuild(id: string, template: RequestTemplate, peerIp: string): IncomingRequest {
  const url = parseRequestUrl(template.url);
  const headers = new HeaderMap();
  headers.append('Host', url.host);
  for (const [name, value] of template.headers) {
    if (name.toLowerCase() === 'host') headers.set('Host', value);
    else headers.append(name, value);
  }
  return {
    id,
    method: template.method.toUpperCase(),
    scheme: url.scheme,
    host: headers.get('host') ?? url.host,
    port: url.port,
    path: url.path,
    query: url.query,
    headers,
    body: template.body,
    peerIp,
  };
}

function plain(r: IncomingRequest): unknown {
  return { ...r, headers: r.headers.list() };
}

const template: fc.Arbitrary<RequestTemplate> = fc.record(
  {
    method: fc.constantFrom('get', 'GET', 'Post', 'DELETE'),
    url: fc.constantFrom('http://api.example.com/api/orders', 'https://api.example.com:8443/a/../b?x=1&y', 'http://h/', 'http://h', 'https://h:443/p?'),
    headers: fc.array(fc.tuple(fc.constantFrom('Host', 'host', 'Accept', 'X-Id', 'authorization'), fc.constantFrom('a', 'b.example.com', 'Bearer x', '')), { maxLength: 5 }),
    body: fc.constantFrom('', '{"a":1}'),
  },
  { requiredKeys: ['method', 'url', 'headers'] },
);

describe('buildRequest from a template built once', () => {
  it('builds every request of a template as building from scratch did, each with its own headers', () => {
    fc.assert(
      fc.property(template, fc.integer({ min: 1, max: 4 }), (t, times) => {
        const made: IncomingRequest[] = [];
        for (let i = 0; i < times; i++) {
          const r = buildRequest(`c-${i}`, t, '203.0.113.9');
          const ref = referenceBuild(`c-${i}`, t, '203.0.113.9');
          expect(plain(r)).toEqual(plain(ref));
          expect(requestTraceUrl(t)).toBe(`${ref.scheme}://${ref.host}${ref.path}${ref.query ? `?${ref.query}` : ''}`);
          made.push(r);
        }
        // The gateway edits a request's headers: that must not reach the next request of the template.
        made[0]?.headers.set('X-Edited', 'yes');
        expect(buildRequest('next', t, '203.0.113.9').headers.has('X-Edited')).toBe(false);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('notices a template whose url, method or header list was replaced', () => {
    fc.assert(
      fc.property(template, template, fc.constantFrom('url', 'method', 'headers'), (a, b, field) => {
        const t: RequestTemplate = { ...a, headers: [...a.headers] };
        buildRequest('first', t, '198.51.100.1');
        // One field at a time, so each check in the builder is needed on its own.
        if (field === 'url') t.url = b.url;
        else if (field === 'method') t.method = b.method;
        else t.headers = b.headers;
        expect(plain(buildRequest('second', t, '198.51.100.1'))).toEqual(plain(referenceBuild('second', t, '198.51.100.1')));
      }),
      { seed, numRuns: 200 },
    );
  });
});
