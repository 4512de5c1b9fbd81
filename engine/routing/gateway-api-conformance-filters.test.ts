/**
 * Filters, ported from the Gateway API conformance suite: HTTPRouteRequestHeaderModifier,
 * HTTPRouteResponseHeaderModifier, HTTPRouteRewritePath, HTTPRouteRewriteHost, HTTPRouteRedirectPath,
 * HTTPRouteRedirectHostAndStatus, HTTPRouteRedirectScheme, HTTPRouteRedirectPort,
 * HTTPRouteRedirectPortAndScheme, HTTPRoute303/307/308RedirectScheme, HTTPRouteRequestMirror.
 */
import { describe, it } from 'vitest';
import { gatewayApiIr, withBase } from '../config/gateway-api/test-kit.ts';
import { caseName, checkCase, type GwCase } from './gateway-api-cases.ts';

const NS = 'gateway-conformance-infra';
const G = 'http://gw.example';

function suite(name: string, yaml: string, cases: GwCase[]): void {
  describe(name, () => {
    const ir = gatewayApiIr(withBase(yaml));
    it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_n, c) => checkCase(ir, c));
  });
}

const route = (name: string, rules: Array<[string, string, boolean?]>, parent = 'same-namespace', extra = ''): string => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${NS} }
spec:
  parentRefs: [{ name: ${parent} }]
${extra}  rules:
${rules
  .map(
    ([prefix, filters, noBackend]) => `    - matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
      filters:
${filters}${noBackend ? '' : '\n      backendRefs: [{ name: infra-backend-v1, port: 8080 }]'}`,
  )
  .join('\n')}
`;

const modifier = (kind: 'request' | 'response'): string => {
  const type = kind === 'request' ? 'RequestHeaderModifier' : 'ResponseHeaderModifier';
  const field = `${kind}HeaderModifier`;
  const f = (body: string): string => `        - type: ${type}\n          ${field}:\n${body}`;
  return route(`${kind}-header-modifier`, [
    ['/set', f('            set: [{ name: X-Header-Set, value: set-overwrites-values }]')],
    ['/add', f('            add: [{ name: X-Header-Add, value: add-appends-values }]')],
    ['/remove', f('            remove: [X-Header-Remove]')],
    [
      '/multiple',
      f(`            set: [{ name: X-Header-Set-1, value: header-set-1 }, { name: X-Header-Set-2, value: header-set-2 }]
            add: [{ name: X-Header-Add-1, value: header-add-1 }, { name: X-Header-Add-2, value: header-add-2 }, { name: X-Header-Add-3, value: header-add-3 }]
            remove: [X-Header-Remove-1, X-Header-Remove-2]`),
    ],
    [
      '/case-insensitivity',
      f(`            set: [{ name: X-Header-Set, value: header-set }]
            add: [{ name: X-Header-Add, value: header-add }]
            remove: [X-Header-Remove]`),
    ],
  ]);
};

const requestCases: GwCase[] = [
  { req: `GET ${G}/set`, headers: { 'Some-Other-Header': 'val' }, upstream: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' } },
  { req: `GET ${G}/set`, headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' }, upstream: { 'X-Header-Set': 'set-overwrites-values' } },
  { req: `GET ${G}/add`, headers: { 'Some-Other-Header': 'val' }, upstream: { 'X-Header-Add': 'add-appends-values' } },
  { req: `GET ${G}/add`, headers: { 'X-Header-Add': 'some-other-value' }, upstream: { 'X-Header-Add': 'some-other-value,add-appends-values' } },
  { req: `GET ${G}/remove`, headers: { 'X-Header-Remove': 'val' }, absent: ['X-Header-Remove'] },
  {
    req: `GET ${G}/multiple`,
    headers: { 'X-Header-Set-2': 'set-val-2', 'X-Header-Add-2': 'add-val-2', 'X-Header-Remove-2': 'remove-val-2', 'Another-Header': 'another-header-val' },
    upstream: {
      'X-Header-Set-1': 'header-set-1',
      'X-Header-Set-2': 'header-set-2',
      'X-Header-Add-1': 'header-add-1',
      'X-Header-Add-2': 'add-val-2,header-add-2',
      'X-Header-Add-3': 'header-add-3',
      'Another-Header': 'another-header-val',
    },
    absent: ['X-Header-Remove-1', 'X-Header-Remove-2'],
  },
  {
    req: `GET ${G}/case-insensitivity`,
    headers: { 'x-header-set': 'original-val-set', 'x-header-add': 'original-val-add', 'x-header-remove': 'original-val-remove', 'Another-Header': 'another-header-val' },
    upstream: { 'X-Header-Set': 'header-set', 'X-Header-Add': 'original-val-add,header-add', 'Another-Header': 'another-header-val' },
    absent: ['x-header-remove'],
  },
];
suite('HTTPRouteRequestHeaderModifier', modifier('request'), requestCases);

// The backend answers with the headers the request carried (the conformance echo server's role).
const echoed = (c: GwCase): GwCase => {
  const { headers, upstream, absent, ...rest } = c;
  return {
    ...rest,
    ...(headers ? { headers } : {}),
    upstreamResponseHeaders: Object.entries(headers ?? {}),
    ...(upstream ? { response: upstream } : {}),
    ...(absent ? { responseAbsent: absent } : {}),
  };
};
suite('HTTPRouteResponseHeaderModifier', modifier('response'), requestCases.map(echoed));

suite(
  'HTTPRouteRewritePath',
  route('rewrite-path', [
    ['/prefix/one', '        - { type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /one } } }'],
    ['/strip-prefix', '        - { type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: / } } }'],
    ['/full/one', '        - { type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /one } } }'],
    [
      '/full/rewrite-path-and-modify-headers',
      `        - { type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /test } } }
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set: [{ name: X-Header-Set, value: set-overwrites-values }]
            add: [{ name: X-Header-Add, value: header-val-1 }, { name: X-Header-Add-Append, value: header-val-2 }]
            remove: [X-Header-Remove]`,
    ],
    [
      '/prefix/rewrite-path-and-modify-headers',
      `        - { type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /prefix } } }
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set: [{ name: X-Header-Set, value: set-overwrites-values }]
            add: [{ name: X-Header-Add, value: header-val-1 }, { name: X-Header-Add-Append, value: header-val-2 }]
            remove: [X-Header-Remove]`,
    ],
  ]),
  [
    { req: `GET ${G}/prefix/one/two`, path: '/one/two' },
    { req: `GET ${G}/prefix/one`, path: '/one' },
    { req: `GET ${G}/prefix/one/`, path: '/one/' },
    { req: `GET ${G}/strip-prefix/three`, path: '/three' },
    { req: `GET ${G}/strip-prefix`, path: '/' },
    { req: `GET ${G}/strip-prefix/`, path: '/' },
    { req: `GET ${G}/full/one/two`, path: '/one' },
    { req: `GET ${G}/full/one/two?q=1`, path: '/one?q=1' },
    {
      req: `GET ${G}/full/rewrite-path-and-modify-headers/test`,
      headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' },
      path: '/test',
      upstream: { 'X-Header-Add': 'header-val-1', 'X-Header-Add-Append': 'append-val-1,header-val-2', 'X-Header-Set': 'set-overwrites-values' },
      absent: ['X-Header-Remove'],
    },
    {
      req: `GET ${G}/prefix/rewrite-path-and-modify-headers/one`,
      headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' },
      path: '/prefix/one',
      upstream: { 'X-Header-Add': 'header-val-1', 'X-Header-Add-Append': 'append-val-1,header-val-2', 'X-Header-Set': 'set-overwrites-values' },
      absent: ['X-Header-Remove'],
    },
  ],
);

suite(
  'HTTPRouteRewriteHost',
  `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: rewrite-host, namespace: ${NS} }
spec:
  hostnames: [rewrite.example]
  parentRefs: [{ name: same-namespace }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /one } }]
      filters: [{ type: URLRewrite, urlRewrite: { hostname: one.example.org } }]
      backendRefs: [{ name: infra-backend-v1, port: 8080 }]
    - filters: [{ type: URLRewrite, urlRewrite: { hostname: example.org } }]
      backendRefs: [{ name: infra-backend-v2, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /rewrite-host-and-modify-headers } }]
      filters:
        - { type: URLRewrite, urlRewrite: { hostname: test.example.org } }
        - type: RequestHeaderModifier
          requestHeaderModifier:
            set: [{ name: X-Header-Set, value: set-overwrites-values }]
            add: [{ name: X-Header-Add, value: header-val-1 }, { name: X-Header-Add-Append, value: header-val-2 }]
            remove: [X-Header-Remove]
      backendRefs: [{ name: infra-backend-v2, port: 8080 }]
`,
  [
    { req: 'GET http://rewrite.example/one', backend: 'infra-backend-v1', path: '/one', host: 'one.example.org', upstream: { host: 'one.example.org' } },
    { req: 'GET http://rewrite.example/two', backend: 'infra-backend-v2', path: '/two', host: 'example.org' },
    {
      req: 'GET http://rewrite.example/rewrite-host-and-modify-headers',
      headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
      backend: 'infra-backend-v2',
      host: 'test.example.org',
      upstream: { 'X-Header-Add': 'header-val-1', 'X-Header-Add-Append': 'append-val-1,header-val-2', 'X-Header-Set': 'set-overwrites-values' },
      absent: ['X-Header-Remove'],
    },
  ],
);

const redirect = (body: string): string => `        - type: RequestRedirect\n          requestRedirect: ${body}`;
suite(
  'HTTPRouteRedirectPath',
  route(
    'redirect-path',
    [
      ['/original-prefix', redirect('{ path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } }'), true],
      ['/full', redirect('{ path: { type: ReplaceFullPath, replaceFullPath: /full-path-replacement } }'), true],
      ['/path-and-host', redirect('{ hostname: example.org, path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } }'), true],
      ['/path-and-status', redirect('{ path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix }, statusCode: 301 }'), true],
      ['/full-path-and-host', redirect('{ hostname: example.org, path: { type: ReplaceFullPath, replaceFullPath: /replacement-full } }'), true],
      ['/full-path-and-status', redirect('{ path: { type: ReplaceFullPath, replaceFullPath: /replacement-full }, statusCode: 301 }'), true],
    ],
  ),
  [
    { req: `GET ${G}/original-prefix/lemon`, location: 'http://gw.example/replacement-prefix/lemon' },
    { req: `GET ${G}/full/path/original`, location: 'http://gw.example/full-path-replacement' },
    { req: `GET ${G}/path-and-host`, location: 'http://example.org/replacement-prefix' },
    { req: `GET ${G}/path-and-status`, status: 301, location: 'http://gw.example/replacement-prefix' },
    { req: `GET ${G}/full-path-and-host`, location: 'http://example.org/replacement-full' },
    { req: `GET ${G}/full-path-and-status`, status: 301, location: 'http://gw.example/replacement-full' },
    { req: `GET ${G}/original-prefix/lemon?q=1`, location: 'http://gw.example/replacement-prefix/lemon?q=1' },
  ],
);

suite(
  'HTTPRouteRedirectHostAndStatus, RedirectScheme and RedirectPort (listener on port 80)',
  route(
    'redirects',
    [
      ['/hostname-redirect', redirect('{ hostname: example.org }'), true],
      ['/host-and-status', redirect('{ statusCode: 301, hostname: example.org }'), true],
      ['/scheme', redirect('{ scheme: https }'), true],
      ['/scheme-and-host', redirect('{ hostname: example.org, scheme: https }'), true],
      ['/scheme-and-status', redirect('{ scheme: https, statusCode: 301 }'), true],
      ['/scheme-and-host-and-status', redirect('{ scheme: https, statusCode: 302, hostname: example.org }'), true],
      ['/port', redirect('{ port: 8083 }'), true],
      ['/port-and-host', redirect('{ hostname: example.org, port: 8083 }'), true],
      ['/port-and-status', redirect('{ port: 8083, statusCode: 301 }'), true],
      ['/port-and-host-and-status', redirect('{ port: 8083, hostname: example.org, statusCode: 302 }'), true],
      ['/303', redirect('{ scheme: https, statusCode: 303 }'), true],
      ['/307', redirect('{ scheme: https, statusCode: 307 }'), true],
      ['/308', redirect('{ scheme: https, statusCode: 308 }'), true],
    ],
  ),
  [
    { req: `GET ${G}/hostname-redirect`, location: 'http://example.org/hostname-redirect' },
    { req: `GET ${G}/host-and-status`, status: 301, location: 'http://example.org/host-and-status' },
    { req: `GET ${G}/scheme`, location: 'https://gw.example/scheme' },
    { req: `GET ${G}/scheme-and-host`, location: 'https://example.org/scheme-and-host' },
    { req: `GET ${G}/scheme-and-status`, status: 301, location: 'https://gw.example/scheme-and-status' },
    { req: `GET ${G}/scheme-and-host-and-status`, location: 'https://example.org/scheme-and-host-and-status' },
    { req: `GET ${G}/port`, location: 'http://gw.example:8083/port' },
    { req: `GET ${G}/port-and-host`, location: 'http://example.org:8083/port-and-host' },
    { req: `GET ${G}/port-and-status`, status: 301, location: 'http://gw.example:8083/port-and-status' },
    { req: `GET ${G}/port-and-host-and-status`, location: 'http://example.org:8083/port-and-host-and-status' },
    { req: `GET ${G}/303`, status: 303, location: 'https://gw.example/303' },
    { req: `GET ${G}/307`, status: 307, location: 'https://gw.example/307' },
    { req: `POST ${G}/308`, status: 308, location: 'https://gw.example/308' },
  ],
);

const portRules = (names: string[]): Array<[string, string, boolean]> =>
  names.map((n) => {
    const [, scheme, port] = /^scheme-(\w+)-and-port-(\w+)$/.exec(n) as unknown as [string, string, string];
    const parts = ['hostname: example.org', ...(scheme !== 'nil' ? [`scheme: ${scheme}`] : []), ...(port !== 'nil' ? [`port: ${port}`] : [])];
    return [`/${n}`, redirect(`{ ${parts.join(', ')} }`), true];
  });
suite(
  'HTTPRouteRedirectPortAndScheme: the default port follows the scheme, else the listener',
  `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace-with-http-listener-on-8080, namespace: ${NS} }
spec:
  gatewayClassName: test
  listeners: [{ name: http, port: 8080, protocol: HTTP }]
${route('http-route-for-listener-on-port-80', portRules(['scheme-nil-and-port-nil', 'scheme-nil-and-port-80', 'scheme-nil-and-port-8080', 'scheme-https-and-port-nil', 'scheme-https-and-port-443', 'scheme-https-and-port-8443']))}${route(
    'http-route-for-listener-on-port-8080',
    portRules(['scheme-nil-and-port-nil', 'scheme-nil-and-port-80', 'scheme-https-and-port-nil']),
    'same-namespace-with-http-listener-on-8080',
  )}${route(
    'http-route-for-listener-on-port-443',
    portRules(['scheme-nil-and-port-nil', 'scheme-nil-and-port-443', 'scheme-nil-and-port-8443', 'scheme-http-and-port-nil', 'scheme-http-and-port-80', 'scheme-http-and-port-8080']),
    'same-namespace-with-https-listener',
  )}`,
  [
    { req: `GET ${G}/scheme-nil-and-port-nil`, location: 'http://example.org/scheme-nil-and-port-nil' },
    { req: `GET ${G}/scheme-nil-and-port-80`, location: 'http://example.org/scheme-nil-and-port-80' },
    { req: `GET ${G}/scheme-nil-and-port-8080`, location: 'http://example.org:8080/scheme-nil-and-port-8080' },
    { req: `GET ${G}/scheme-https-and-port-nil`, location: 'https://example.org/scheme-https-and-port-nil' },
    { req: `GET ${G}/scheme-https-and-port-443`, location: 'https://example.org/scheme-https-and-port-443' },
    { req: `GET ${G}/scheme-https-and-port-8443`, location: 'https://example.org:8443/scheme-https-and-port-8443' },
    { req: 'GET http://gw.example:8080/scheme-nil-and-port-nil', location: 'http://example.org:8080/scheme-nil-and-port-nil' },
    { req: 'GET http://gw.example:8080/scheme-nil-and-port-80', location: 'http://example.org/scheme-nil-and-port-80' },
    { req: 'GET http://gw.example:8080/scheme-https-and-port-nil', location: 'https://example.org/scheme-https-and-port-nil' },
    { req: 'GET https://example.org/scheme-nil-and-port-nil', location: 'https://example.org/scheme-nil-and-port-nil' },
    { req: 'GET https://example.org/scheme-nil-and-port-443', location: 'https://example.org/scheme-nil-and-port-443' },
    { req: 'GET https://example.org/scheme-nil-and-port-8443', location: 'https://example.org:8443/scheme-nil-and-port-8443' },
    { req: 'GET https://example.org/scheme-http-and-port-nil', location: 'http://example.org/scheme-http-and-port-nil' },
    { req: 'GET https://example.org/scheme-http-and-port-80', location: 'http://example.org/scheme-http-and-port-80' },
    { req: 'GET https://example.org/scheme-http-and-port-8080', location: 'http://example.org:8080/scheme-http-and-port-8080' },
  ],
);

suite(
  'HTTPRouteRequestMirror: the copy never changes what the client or the backend sees',
  route('request-mirror', [['/mirror', '        - { type: RequestMirror, requestMirror: { backendRef: { name: infra-backend-v2, port: 8080 } } }']]),
  [{ req: `GET ${G}/mirror`, backend: 'infra-backend-v1', path: '/mirror' }],
);
