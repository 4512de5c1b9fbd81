/**
 * Robustness of the Kong adapter on arbitrary input: it never throws, every diagnostic points at a
 * place in the file, and whatever IR it returns the router can run. Set FC_SEED to replay a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HeaderMap } from '../../pipeline/headers.ts';
import { createKongRouter } from '../../routing/kong-router.ts';
import { SourceMap, parseYaml } from '../yaml-source.ts';
import { adaptKong } from './adapt.ts';
import { goldenPluginLookup } from './golden-plugins.ts';

const seed = Number(process.env['FC_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
console.log(`Kong adapter property seed: ${seed} (set FC_SEED=${seed} to replay)`);

const KEYS = [
  '_format_version', '_gatelab', '_comment', 'services', 'routes', 'plugins', 'consumers', 'upstreams', 'targets',
  'keyauth_credentials', 'jwt_secrets', 'basicauth_credentials', 'acls', 'certificates', 'name', 'id', 'url', 'host',
  'port', 'path', 'protocol', 'retries', 'read_timeout', 'enabled', 'paths', 'hosts', 'methods', 'headers',
  'protocols', 'strip_path', 'preserve_host', 'path_handling', 'regex_priority', 'https_redirect_status_code', 'service',
  'route', 'consumer', 'config', 'instance_name', 'username', 'custom_id', 'key', 'secret', 'algorithm', 'password',
  'group', 'target', 'weight', 'trusted_ips', 'real_ip_header', 'real_ip_recursive', 'header', 'recursive', 'minute',
];
const WORDS = [
  '3.0', '2.1', '1.1', 'real-ip', 'rate-limiting', 'jwt', 'cors', 'rate-limting', 'http://a:1/x', 'https://b', 'grpc://c',
  '~/x(', '~/a/\\d+', '/', '/api', '/a//b', '*.x.com', 'x.*', 'a.*.b', 'GET', 'get', 'http', 'https', 'v0', 'v1',
  '10.0.0.0/8', '10.0.0.0/33', 'on', 's', 'r', 'c', 'pool', 'pool:80', '[::1]:9', 'HS256', 'RS256',
];

const scalar = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 70000 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });

const { value: anyValue } = fc.letrec<{ value: unknown; list: unknown[]; record: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('record')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  record: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));

/** Mostly Kong-shaped tops, so the search spends its time inside the entity readers. */
const top = fc.oneof(
  anyValue,
  fc.record({ _format_version: fc.constantFrom('3.0', '2.1', 3) }).chain((head) =>
    fc.dictionary(key, anyValue, { maxKeys: 6 }).map((rest) => ({ ...head, ...rest })),
  ),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'get'),
  scheme: fc.constantFrom('http' as const, 'https' as const),
  host: fc.oneof(fc.constantFrom('a.x.com', 'x.org:8000', '[::1]:80', ''), fc.string({ maxLength: 10 })),
  port: fc.constantFrom(80, 443, 8000, 8443),
  path: fc.oneof(fc.constantFrom('/', '/api/v1', '/a//b/../c?q=1', '/%zz/%C3', '/a/%2e%2e/x'), fc.string({ maxLength: 12 }).map((s) => `/${s}`)),
});

describe('Kong adapter robustness (property)', () => {
  it('never throws on arbitrary values, and every diagnostic has a location', () => {
    fc.assert(
      fc.property(top, (value) => {
        const out = adaptKong([{ value, map: new SourceMap('fuzz.yaml') }], { plugins: goldenPluginLookup });
        for (const d of out.diagnostics) expect(d.loc?.file).toBe('fuzz.yaml');
      }),
      { seed, numRuns: 400 },
    );
  });

  it('through YAML text: diagnostics point at real lines, and any IR it returns can route requests', () => {
    fc.assert(
      fc.property(top, request, (value, req) => {
        const text = stringify(value);
        const lineCount = text.split('\n').length;
        const { docs, diagnostics } = parseYaml(text, 'fuzz.yaml');
        // The YAML entry refuses some values outright (numbers past 2^53, reserved keys); those never
        // reach an adapter, so there is nothing of the adapter's to check.
        if (diagnostics.some((d) => d.severity === 'error')) return;
        // The registry as it stands: real plugin parsers, whichever exist, must not break the load either.
        const out = adaptKong(docs);
        for (const d of out.diagnostics) {
          expect(d.loc?.file).toBe('fuzz.yaml');
          expect(d.loc?.line).toBeGreaterThanOrEqual(1);
          expect(d.loc?.line).toBeLessThanOrEqual(lineCount);
          expect(d.loc?.col).toBeGreaterThanOrEqual(1);
        }
        if (out.ir) {
          const r = createKongRouter(out.ir).match({ ...req, headers: new HeaderMap() });
          expect('route' in r || r.status >= 300).toBe(true);
        }
      }),
      { seed, numRuns: 300 },
    );
  });
});
