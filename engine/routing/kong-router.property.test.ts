/**
 * Router invariants on generated Kong configs: the winner really matches, no matching route outranks
 * it, the upstream path is a well-formed path, and the answer does not depend on route order in the file.
 * Set FC_SEED to replay a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptKong } from '../config/kong/adapt.ts';
import { goldenPluginLookup } from '../config/kong/golden-plugins.ts';
import { SourceMap } from '../config/yaml-source.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import { comparePriority } from './kong-matchers.ts';
import { createKongRouter } from './kong-router.ts';
import { testMatcher } from './kong-test-matcher.ts';
import { normalizeKongPath } from './kong-uri.ts';

const seed = Number(process.env['FC_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
console.log(`Kong router property seed: ${seed} (set FC_SEED=${seed} to replay)`);

const pathPiece = fc.constantFrom('/', '/a', '/ab', '/a/b', '/api', '/api/v1', '/api/v1/orders', '~/a/\\d+', '~/api/v[0-9]+', '~/(a|b)/x$');
const route = fc.record(
  {
    paths: fc.uniqueArray(pathPiece, { maxLength: 3 }),
    hosts: fc.uniqueArray(fc.constantFrom('a.com', '*.a.com', 'a.*', 'b.com:8443'), { maxLength: 2 }),
    methods: fc.uniqueArray(fc.constantFrom('GET', 'POST'), { maxLength: 2 }),
    headers: fc.option(fc.constantFrom({ 'x-v': ['1'] }, { 'x-v': ['~*^b'] }, { 'x-v': ['1'], 'x-t': ['t'] }), { nil: undefined }),
    regex_priority: fc.integer({ min: 0, max: 3 }),
    strip_path: fc.boolean(),
  },
  { requiredKeys: ['paths', 'hosts', 'methods', 'regex_priority', 'strip_path'] },
);
const config = fc.array(route, { minLength: 1, maxLength: 6 }).map((routes) => ({
  _format_version: '3.0',
  services: [{ name: 's', url: 'http://s:8080/base', routes: routes.map((r, i) => ({ name: `r${i}`, ...r, ...(r.paths.length + r.hosts.length + r.methods.length === 0 && !r.headers ? { paths: ['/'] } : {}) })) }],
}));
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT'),
  host: fc.constantFrom('a.com', 'x.a.com', 'a.org', 'b.com', 'c.net'),
  port: fc.constantFrom(8000, 8443),
  path: fc.constantFrom('/', '/a', '/a/1', '/ab/x', '/api/v1/orders/7', '/api/v2/x', '/b/x', '/a//b/../b', '/%61pi/v1'),
  headers: fc.constantFrom<Array<[string, string]>>([], [['X-V', '1']], [['x-v', 'Beta']], [['x-v', '1'], ['x-t', 'T']]),
});

describe('Kong router invariants (property)', () => {
  it('the winner matches, nothing that matches outranks it, and file order does not matter', () => {
    fc.assert(
      fc.property(config, request, (cfg, req) => {
        const out = adaptKong([{ value: cfg, map: new SourceMap('gen.yaml') }], { plugins: goldenPluginLookup });
        if (!out.ir) return;
        const router = createKongRouter(out.ir);
        const input = { ...req, scheme: 'http' as const, headers: new HeaderMap(req.headers) };
        const result = router.match(input);
        const reversed = createKongRouter({ ...out.ir, routes: [...out.ir.routes].reverse() }).match(input);
        expect('route' in reversed ? reversed.route.name : reversed.status).toBe('route' in result ? result.route.name : result.status);
        const facts = { method: req.method, host: req.host, port: req.port, path: normalizeKongPath(req.path), headers: input.headers };
        const matching = router.matchers.filter((m) => testMatcher(m, facts).ok);
        if (!('route' in result)) {
          expect(matching).toEqual([]);
          return;
        }
        const winner = matching[0];
        expect(winner?.route.name).toBe(result.route.name);
        for (const m of matching) expect(comparePriority(m.priority, winner?.priority ?? m.priority)).toBeLessThanOrEqual(0);
        if (result.matchedPrefix !== undefined) expect(result.normalizedPath.startsWith(result.matchedPrefix)).toBe(true);
        expect(result.upstreamPath.startsWith('/base')).toBe(true);
        expect(result.upstreamPath.includes('//')).toBe(false);
      }),
      { seed, numRuns: 400 },
    );
  });

  it('one router answering a sequence of requests (its last match remembered) answers each as a fresh router does', () => {
    // A request and a few others that each differ from it in one field, asked in an order with runs
    // and returns: the remembered match is hit, missed by exactly one field, and replaced.
    const base = fc.tuple(request, fc.constantFrom<'http' | 'https'>('http', 'https'), fc.constantFrom(undefined, '', 'q=1')).map(([req, scheme, query]) => ({ ...req, scheme, query, forwardedProto: undefined as string | undefined }));
    const oneField = fc.oneof(
      fc.record({ method: fc.constantFrom('GET', 'POST') }),
      fc.record({ host: fc.constantFrom('a.com', 'x.a.com', 'b.com') }),
      fc.record({ port: fc.constantFrom(8000, 8443) }),
      fc.record({ path: fc.constantFrom('/a', '/a/1', '/api/v1/orders/7') }),
      fc.record({ query: fc.constantFrom(undefined, '', 'q=1', 'q=2') }),
      fc.record({ scheme: fc.constantFrom<'http' | 'https'>('http', 'https') }),
      fc.record({ forwardedProto: fc.constantFrom(undefined, 'https') }),
    );
    const pool = fc.tuple(base, fc.array(oneField, { minLength: 1, maxLength: 3 })).map(([b, changes]) => [b, ...changes.map((c) => ({ ...b, ...c }))]);
    const order = fc.array(fc.nat({ max: 3 }), { minLength: 2, maxLength: 12 });
    fc.assert(
      fc.property(config, fc.boolean(), fc.boolean(), pool, order, (generated, headerFree, httpsOnly, distinct, picks) => {
        // Often without header conditions (only then is a match remembered), and often https-only
        // (then the scheme and X-Forwarded-Proto decide between the route and a 426).
        const cfg = {
          ...generated,
          services: generated.services.map((s) => ({
            ...s,
            routes: s.routes.map(({ headers, ...r }) => ({ ...r, ...(headerFree ? {} : { headers }), ...(httpsOnly ? { protocols: ['https'] } : {}) })),
          })),
        };
        const out = adaptKong([{ value: cfg, map: new SourceMap('gen.yaml') }], { plugins: goldenPluginLookup });
        if (!out.ir) return;
        const ir = out.ir;
        const kept = createKongRouter(ir);
        for (const pick of picks) {
          const req = distinct[pick % distinct.length] as (typeof distinct)[number];
          const input = () => ({ ...req, headers: new HeaderMap(req.headers) });
          expect(kept.match(input())).toEqual(createKongRouter(ir).match(input()));
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
