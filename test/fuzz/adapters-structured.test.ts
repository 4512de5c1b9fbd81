/**
 * Every adapter on plausible config trees: each dialect's own vocabulary (Kong entities and plugins,
 * Kubernetes kinds with their spec fields and ingress-nginx annotations, Traefik rules, the native
 * IR's sections) filled with random and hostile values, written out as YAML and loaded as a user
 * would. Same property as the text fuzz: no throw, every diagnostic placed and coded, prototypes intact.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { stringify } from 'yaml';
import type { Dialect } from '../../engine/config/ir.ts';
import { expectPlaced, expectPrototypesUntouched, fuzzSeed, lineCountsOf, loadConfigText, runs } from './fuzz-kit.ts';

const seed = fuzzSeed('adapters (structured)', 0x57c0de);

const COMMON_WORDS = [
  '', '/', '/api', '/a//b', '~/x(', '~/(a+)+$', '~/(?=x)', '^/(a|aa)+$', '(?<=a)b', '(a)\\1', '*.x.com', 'a.*.b', 'GET', 'get',
  'http', 'https', 'grpc', '10.0.0.0/8', '10.0.0.0/33', '::1', 'true', 'false', '1s', '-1s', '1h2m', '10/s', '0', '65536',
  'toString', 'constructor', 'valueOf', 'hasOwnProperty', 'PathPrefix', 'Exact', 'RegularExpression', 'Service', 'web', 'default',
];

function tree(keys: readonly string[], words: readonly string[]): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...words, ...COMMON_WORDS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 2, arbitrary: fc.integer({ min: -10, max: 70000 }) },
    { weight: 1, arbitrary: fc.constantFrom(0.5, -0.5, 1e-9, 2 ** 31, 2 ** 53 - 1) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const key = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.constantFrom('toString', 'valueOf', 'x-y', '') });
  const { value } = fc.letrec<{ value: unknown; list: unknown[]; record: Record<string, unknown> }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('record')),
    list: fc.array(tie('value'), { maxLength: 4 }),
    record: fc.dictionary(key, tie('value'), { maxKeys: 6, noNullPrototype: true }),
  }));
  return value;
}

const KONG_KEYS = [
  '_format_version', 'services', 'routes', 'plugins', 'consumers', 'upstreams', 'targets', 'keyauth_credentials', 'jwt_secrets',
  'acls', 'name', 'id', 'url', 'host', 'port', 'path', 'protocol', 'retries', 'read_timeout', 'connect_timeout', 'enabled', 'paths',
  'hosts', 'methods', 'headers', 'protocols', 'strip_path', 'preserve_host', 'regex_priority', 'service', 'route', 'consumer',
  'config', 'username', 'key', 'secret', 'algorithm', 'target', 'weight', 'minute', 'second', 'policy', 'limit_by', 'healthchecks',
];
const KONG_WORDS = ['3.0', '2.1', 'rate-limiting', 'key-auth', 'jwt', 'cors', 'real-ip', 'request-transformer', 'http://a:1/x', 'local', 'redis'];

const K8S_KEYS = [
  'parentRefs', 'hostnames', 'rules', 'matches', 'path', 'type', 'value', 'headers', 'queryParams', 'method', 'filters', 'backendRefs',
  'name', 'namespace', 'port', 'weight', 'kind', 'group', 'timeouts', 'request', 'retry', 'attempts', 'listeners', 'protocol',
  'hostname', 'allowedRoutes', 'from', 'to', 'ingressClassName', 'defaultBackend', 'service', 'number', 'tls', 'http', 'paths',
  'pathType', 'backend', 'routes', 'match', 'middlewares', 'services', 'entryPoints', 'priority', 'stripPrefix', 'prefixes',
  'rateLimit', 'average', 'burst', 'period', 'headers', 'customRequestHeaders', 'forwardAuth', 'address', 'replacePathRegex',
  'regex', 'replacement', 'trafficPolicy', 'outlierDetection', 'consecutive5xxErrors', 'subsets', 'labels', 'host',
];
const K8S_WORDS = ['Prefix', 'Exact', 'ImplementationSpecific', 'HTTP', 'HTTPS', 'All', 'Same', 'Host(`a.x`) && PathRegexp(`^/(a+)+$`)', 'PathPrefix(`/a`)', 'Rule', 'nginx'];

const ANNOTATIONS = [
  'use-regex', 'rewrite-target', 'canary', 'canary-weight', 'canary-by-header', 'canary-by-header-pattern', 'canary-by-header-value',
  'limit-rps', 'limit-rpm', 'limit-burst-multiplier', 'enable-cors', 'cors-allow-origin', 'server-alias', 'app-root', 'upstream-hash-by',
  'proxy-next-upstream-tries', 'proxy-read-timeout', 'whitelist-source-range', 'custom-http-errors', 'rewrit-target',
].map((a) => `nginx.ingress.kubernetes.io/${a}`);

const KINDS: ReadonlyArray<{ format: Dialect; apiVersion: string; kinds: string[] }> = [
  { format: 'gateway-api', apiVersion: 'gateway.networking.k8s.io/v1', kinds: ['Gateway', 'HTTPRoute', 'GatewayClass', 'ReferenceGrant'] },
  { format: 'gateway-api', apiVersion: 'networking.istio.io/v1', kinds: ['DestinationRule'] },
  { format: 'ingress-nginx', apiVersion: 'networking.k8s.io/v1', kinds: ['Ingress', 'IngressClass'] },
  { format: 'traefik', apiVersion: 'traefik.io/v1alpha1', kinds: ['IngressRoute', 'Middleware', 'TraefikService'] },
];

function k8sObjects(format: Dialect): fc.Arbitrary<unknown[]> {
  const spec = tree(K8S_KEYS, K8S_WORDS);
  const annotationValue = fc.oneof(fc.constantFrom(...COMMON_WORDS, '"true"', '50', '/$2', '(?i)^/a', '(a+)+$'), fc.string({ maxLength: 6 }));
  const object = fc.constantFrom(...KINDS.filter((k) => k.format === format)).chain(({ apiVersion, kinds }) =>
    fc.record({
      apiVersion: fc.constant(apiVersion),
      kind: fc.constantFrom(...kinds, 'Service', 'List'),
      metadata: fc.record(
        {
          name: fc.constantFrom('a', 'b', 'web', 'x.y', 'toString', ''),
          namespace: fc.constantFrom('default', 'apps', 'constructor'),
          annotations: fc.dictionary(fc.constantFrom(...ANNOTATIONS), annotationValue, { maxKeys: 4, noNullPrototype: true }),
        },
        { requiredKeys: ['name'] },
      ),
      spec,
    }),
  );
  return fc.array(object, { minLength: 1, maxLength: 4 });
}

const IR_KEYS = ['routes', 'services', 'plugins', 'consumers', 'match', 'path', 'prefix', 'exact', 'regex', 'hosts', 'methods', 'service', 'url', 'targets', 'name', 'config', 'enabled', 'scope', 'limit', 'window', 'algorithm', 'policy', 'timeout', 'retries'];

function asText(docs: unknown[]): string {
  return docs.map((d) => stringify(d)).join('---\n');
}

const CASES: ReadonlyArray<{ format: Dialect; text: fc.Arbitrary<string> }> = [
  {
    format: 'kong',
    text: fc
      .tuple(fc.constantFrom('3.0', '2.1', 3, '9.9'), fc.dictionary(fc.constantFrom(...KONG_KEYS), tree(KONG_KEYS, KONG_WORDS), { maxKeys: 6, noNullPrototype: true }))
      .map(([v, rest]) => asText([{ _format_version: v, ...rest }])),
  },
  { format: 'gateway-api', text: k8sObjects('gateway-api').map(asText) },
  { format: 'ingress-nginx', text: k8sObjects('ingress-nginx').map(asText) },
  { format: 'traefik', text: k8sObjects('traefik').map(asText) },
  { format: 'ir', text: fc.dictionary(fc.constantFrom(...IR_KEYS), tree(IR_KEYS, ['rate-limiting', 'fixed-window', 'http://a:1']), { maxKeys: 5, noNullPrototype: true }).map((v) => asText([v])) },
];

describe('every adapter on plausible config trees', () => {
  for (const { format, text } of CASES) {
    it(`${format}: never throws, places every diagnostic, leaves prototypes alone`, () => {
      fc.assert(
        fc.property(text, (t) => {
          const { parse, loaded } = loadConfigText(t, format);
          expectPlaced(parse, lineCountsOf(t));
          if (loaded) expectPlaced(loaded.diagnostics, lineCountsOf(t));
          expectPrototypesUntouched();
        }),
        { seed, numRuns: runs(50) },
      );
    });
  }
});
