/**
 * Matching and precedence, ported from the Gateway API conformance suite: HTTPRouteMatching,
 * HTTPRouteHeaderMatching, HTTPRouteQueryParamMatching, HTTPRouteMethodMatching,
 * HTTPExactPathMatching, HTTPRoutePathMatchOrder, HTTPRouteMatchingAcrossRoutes.
 */
import { describe, it } from 'vitest';
import { gatewayApiIr, withBase } from '../config/gateway-api/test-kit.ts';
import { caseName, checkCase, type GwCase } from './gateway-api-cases.ts';

const NS = 'gateway-conformance-infra';
const route = (name: string, rules: string, extra = ''): string => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${NS} }
spec:
  parentRefs: [{ name: same-namespace }]
${extra}  rules:
${rules}`;
const to = (svc: string): string => `      backendRefs: [{ name: ${svc}, port: 8080 }]`;
const v1 = to('infra-backend-v1');
const v2 = to('infra-backend-v2');
const v3 = to('infra-backend-v3');
const G = 'http://gw.example';

function suite(name: string, yaml: string, cases: GwCase[]): void {
  describe(name, () => {
    const ir = gatewayApiIr(withBase(yaml));
    it.each(cases.map((c) => [caseName(c), c] as const))('%s', async (_n, c) => checkCase(ir, c));
  });
}

suite(
  'HTTPRouteMatching: path and header matches of one route',
  route(
    'matching',
    `    - matches: [{ path: { type: PathPrefix, value: / } }, { headers: [{ name: version, value: one }] }]
${v1}
    - matches: [{ path: { type: PathPrefix, value: /v2 } }, { headers: [{ name: version, value: two }] }]
${v2}`,
  ),
  [
    { req: `GET ${G}/`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/example`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, headers: { Version: 'one' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/v2`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/v2/example`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/`, headers: { Version: 'two' }, backend: 'infra-backend-v2' },
  ],
);

suite(
  'HTTPRouteHeaderMatching: AND within a match, OR across matches, more headers win',
  route(
    'header-matching',
    `    - matches: [{ headers: [{ name: version, value: one }] }]
${v1}
    - matches: [{ headers: [{ name: version, value: two }] }]
${v2}
    - matches: [{ headers: [{ name: version, value: two }, { name: color, value: orange }] }]
${v1}
    - matches: [{ headers: [{ name: color, value: blue }] }, { headers: [{ name: color, value: green }] }]
${v1}
    - matches: [{ headers: [{ name: color, value: red }] }, { headers: [{ name: color, value: yellow }] }]
${v2}`,
  ),
  [
    { req: `GET ${G}/`, headers: { Version: 'one' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, headers: { Version: 'two' }, backend: 'infra-backend-v2' },
    { req: `GET ${G}/`, headers: { Version: 'two', Color: 'orange' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, headers: { Version: 'two', Color: 'blue' }, backend: 'infra-backend-v2' },
    { req: `GET ${G}/`, headers: { Color: 'orange' }, status: 404 },
    { req: `GET ${G}/`, headers: { 'Some-Other-Header': 'one' }, status: 404 },
    { req: `GET ${G}/`, headers: { Color: 'blue' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, headers: { Color: 'green' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, headers: { Color: 'red' }, backend: 'infra-backend-v2' },
    { req: `GET ${G}/`, headers: { Color: 'yellow' }, backend: 'infra-backend-v2' },
    { req: `GET ${G}/`, headers: { Color: 'purple' }, status: 404 },
    // Header values compare exactly; names do not.
    { req: `GET ${G}/`, headers: { VERSION: 'one' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, headers: { version: 'One' }, status: 404 },
  ],
);

suite(
  'HTTPRouteQueryParamMatching',
  route(
    'query-param-matching',
    `    - matches: [{ queryParams: [{ name: animal, value: whale }] }]
${v1}
    - matches: [{ queryParams: [{ name: animal, value: dolphin }] }]
${v2}
    - matches:
        - queryParams: [{ name: animal, value: dolphin }, { name: color, value: blue }]
        - queryParams: [{ name: ANIMAL, value: Whale }]
${v3}
    - matches: [{ path: { type: PathPrefix, value: /path1 }, queryParams: [{ name: animal, value: whale }] }]
${v1}
    - matches: [{ headers: [{ name: version, value: one }], queryParams: [{ name: animal, value: whale }] }]
${v2}
    - matches: [{ path: { type: PathPrefix, value: /path2 }, headers: [{ name: version, value: two }], queryParams: [{ name: animal, value: whale }] }]
${v3}
    - matches:
        - path: { type: PathPrefix, value: /path3 }
          queryParams: [{ name: animal, value: shark }]
        - path: { type: PathPrefix, value: /path4 }
          headers: [{ name: version, value: three }]
          queryParams: [{ name: animal, value: kraken }]
${v1}
    - matches: [{ path: { type: PathPrefix, value: /path5 } }]
${v1}
    - matches: [{ queryParams: [{ name: animal, value: hydra }] }]
${v2}
    - matches: [{ headers: [{ name: version, value: four }] }]
${v3}`,
  ),
  [
    { req: `GET ${G}/?animal=whale`, backend: 'infra-backend-v1', path: '/?animal=whale' },
    { req: `GET ${G}/?animal=dolphin`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/?animal=dolphin&color=blue`, backend: 'infra-backend-v3' },
    { req: `GET ${G}/?ANIMAL=Whale`, backend: 'infra-backend-v3' },
    { req: `GET ${G}/?animal=whale&otherparam=irrelevant`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/?animal=dolphin&color=yellow`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/?color=blue`, status: 404 },
    { req: `GET ${G}/?animal=dog`, status: 404 },
    { req: `GET ${G}/?animal=whaledolphin`, status: 404 },
    { req: `GET ${G}/`, status: 404 },
    { req: `GET ${G}/path1?animal=whale`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/?animal=whale`, headers: { version: 'one' }, backend: 'infra-backend-v2' },
    { req: `GET ${G}/path2?animal=whale`, headers: { version: 'two' }, backend: 'infra-backend-v3' },
    { req: `GET ${G}/path3?animal=shark`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/path4?animal=kraken`, headers: { version: 'three' }, backend: 'infra-backend-v1' },
    { req: `GET ${G}/?animal=shark`, status: 404 },
    { req: `GET ${G}/path4?animal=kraken`, status: 404 },
    { req: `GET ${G}/path5?animal=hydra`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/?animal=hydra`, headers: { version: 'four' }, backend: 'infra-backend-v3' },
  ],
);

suite(
  'HTTPRouteMethodMatching',
  route(
    'method-matching',
    `    - matches: [{ method: POST }]
${v1}
    - matches: [{ method: GET }]
${v2}
    - matches: [{ path: { type: PathPrefix, value: /path1 }, method: GET }]
${v1}
    - matches: [{ headers: [{ name: version, value: one }], method: PUT }]
${v2}
    - matches: [{ path: { type: PathPrefix, value: /path2 }, headers: [{ name: version, value: two }], method: POST }]
${v3}
    - matches:
        - { path: { type: PathPrefix, value: /path3 }, method: PATCH }
        - { path: { type: PathPrefix, value: /path4 }, headers: [{ name: version, value: three }], method: DELETE }
${v1}
    - matches: [{ path: { type: PathPrefix, value: /path5 } }]
${v1}
    - matches: [{ method: PATCH }]
${v2}
    - matches: [{ headers: [{ name: version, value: four }] }]
${v3}`,
  ),
  [
    { req: `POST ${G}/`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/`, backend: 'infra-backend-v2' },
    { req: `HEAD ${G}/`, status: 404 },
    { req: `GET ${G}/path1`, backend: 'infra-backend-v1' },
    { req: `PUT ${G}/`, headers: { version: 'one' }, backend: 'infra-backend-v2' },
    { req: `POST ${G}/path2`, headers: { version: 'two' }, backend: 'infra-backend-v3' },
    { req: `PATCH ${G}/path3`, backend: 'infra-backend-v1' },
    { req: `DELETE ${G}/path4`, headers: { version: 'three' }, backend: 'infra-backend-v1' },
    { req: `PUT ${G}/`, status: 404 },
    { req: `DELETE ${G}/path4`, status: 404 },
    { req: `PATCH ${G}/path5`, backend: 'infra-backend-v1' },
    { req: `PATCH ${G}/`, headers: { version: 'four' }, backend: 'infra-backend-v2' },
  ],
);

suite(
  'HTTPExactPathMatching',
  route(
    'exact-matching',
    `    - matches: [{ path: { type: Exact, value: /one } }]
${v1}
    - matches: [{ path: { type: Exact, value: /two } }]
${v2}`,
  ),
  [
    { req: `GET ${G}/one`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/two`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/`, status: 404 },
    { req: `GET ${G}/one/example`, status: 404 },
    { req: `GET ${G}/two/`, status: 404 },
    { req: `GET ${G}/Two`, status: 404 },
    // The query is not part of the path.
    { req: `GET ${G}/one?x=1`, backend: 'infra-backend-v1', path: '/one?x=1' },
  ],
);

suite(
  'HTTPRoutePathMatchOrder: Exact before the longest PathPrefix, segment by segment',
  route(
    'path-matching-order',
    `    - matches: [{ path: { type: Exact, value: /match } }]
${v1}
    - matches: [{ path: { type: Exact, value: /match/exact } }]
${v2}
    - matches: [{ path: { type: Exact, value: /match/exact/one } }]
${v3}
    - matches: [{ path: { type: PathPrefix, value: /match/ } }]
${v3}
    - matches: [{ path: { type: PathPrefix, value: /match/prefix/ } }]
${v1}
    - matches: [{ path: { type: PathPrefix, value: /match/prefix/one } }]
${v2}`,
  ),
  [
    { req: `GET ${G}/match/exact/one`, backend: 'infra-backend-v3' },
    { req: `GET ${G}/match/exact`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/match`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/match/prefix/one/any`, backend: 'infra-backend-v2' },
    { req: `GET ${G}/match/prefix/any`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/match/any`, backend: 'infra-backend-v3' },
    // A trailing slash on a prefix changes nothing: /match/prefix/ also matches /match/prefix.
    { req: `GET ${G}/match/prefix`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/match/prefix/oneway`, backend: 'infra-backend-v1' },
    { req: `GET ${G}/matching`, status: 404 },
  ],
);

suite(
  'HTTPRouteMatchingAcrossRoutes: precedence spans routes; hostnames limit them',
  `${route(
    'matching-part1',
    `    - matches: [{ path: { type: PathPrefix, value: / } }, { headers: [{ name: version, value: one }] }]
${v1}`,
    '  hostnames: [example.com, example.net]\n',
  )}
---
${route(
  'matching-part2',
  `    - matches: [{ path: { type: PathPrefix, value: /v2 } }, { headers: [{ name: version, value: two }] }]
${v2}`,
  '  hostnames: [example.com]\n',
)}`,
  [
    { req: 'GET http://example.com/', backend: 'infra-backend-v1' },
    { req: 'GET http://example.com/example', backend: 'infra-backend-v1' },
    { req: 'GET http://example.net/example', backend: 'infra-backend-v1' },
    { req: 'GET http://example.com/example', headers: { Version: 'one' }, backend: 'infra-backend-v1' },
    { req: 'GET http://example.com/v2', backend: 'infra-backend-v2' },
    { req: 'GET http://example.net/v2', backend: 'infra-backend-v1' },
    { req: 'GET http://example.com/v2/example', backend: 'infra-backend-v2' },
    { req: 'GET http://example.com/', headers: { Version: 'two' }, backend: 'infra-backend-v2' },
    { req: 'GET http://example.org/', status: 404 },
  ],
);

suite(
  'SimpleSameNamespace and the explain route name',
  route('gateway-conformance-infra-test', `    - backendRefs: [{ name: infra-backend-v1, port: 8080 }]`),
  [{ req: `GET ${G}/`, backend: 'infra-backend-v1', route: `${NS}/gateway-conformance-infra-test#0` }],
);
