/**
 * What the API server rejects in a DirectResponse filter (kubernetes-sigs/gateway-api geps/gep-2826,
 * "Interaction with backendRefs" — a CEL rule on HTTPRouteRule — and the kubebuilder markers on
 * HTTPDirectResponseFilter: statusCode Minimum=100 Maximum=599, body.string MaxLength=4096) is an error
 * at the file:line:column of the offending field, as the loader reports the other CRD checks. gatelab
 * also refuses statusCode 100–199, which the API server takes but no gateway can send as a final answer
 * (envoyproxy/envoy#19237: DirectResponseAction status `gte: 200`).
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { httpRouteHead } from '../../../test/support/gateway-api-docs.ts';
import { gatewayApiIr, loadGatewayApi, MINIMAL_GATEWAY, send } from './test-kit.ts';

/** A route whose first rule is `rule` (YAML lines at rule indent) and whose second rule goes to `app`. */
function route(rule: string): string {
  return `${MINIMAL_GATEWAY}---
${httpRouteHead('site')}  rules:
    - matches: [{ path: { type: Exact, value: /metrics } }]
${rule}
    - backendRefs: [{ name: app, port: 8080 }]
`;
}

const DIRECT = (statusCode: string, body = ''): string =>
  `      filters:\n        - type: DirectResponse\n          directResponse:\n            statusCode: ${statusCode}\n${body}`;

const errorsOf = (yaml: string): string[] => loadGatewayApi(yaml).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('DirectResponse: what the API server rejects is a load error at its place (GEP-2826)', () => {
  it('GEP-2826 a rule with DirectResponse and backendRefs: error at the rule\'s backendRefs key, saying what to do', () => {
    const yaml = route(`${DIRECT('403')}      backendRefs: [{ name: app, port: 8080 }]`);
    const errors = errorsOf(yaml);
    expect(errors).toHaveLength(1);
    // Line 19 of the text: MINIMAL_GATEWAY's 6 lines, the separator, then the route's 12th line.
    expect(errors[0]).toMatch(/^test\.yaml:19:7: error GL_E_CONFIG_INVALID: a rule with a DirectResponse filter must not have backendRefs: the API server rejects this HTTPRoute \(GEP-2826\)/);
    expect(errors[0]).toContain('remove backendRefs from this rule');
  });

  it('GEP-2826 the same filter without backendRefs loads and answers, and an empty backendRefs list is allowed', () => {
    expect(errorsOf(route(DIRECT('403')))).toEqual([]);
    expect(errorsOf(route(`${DIRECT('403')}      backendRefs: []`))).toEqual([]);
  });

  it('GEP-2826 body.string over 4096 characters: error at body.string; exactly 4096 loads', async () => {
    const long = 'x'.repeat(4097);
    const errors = errorsOf(route(DIRECT('200', `            body: { string: "${long}" }\n`)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^test\.yaml:19:29: error GL_E_CONFIG_INVALID: body\.string is 4097 characters; the API server rejects more than 4096/);
    const fits = route(DIRECT('200', `            body: { string: "${'x'.repeat(4096)}" }\n`));
    expect(errorsOf(fits)).toEqual([]);
    const answer = await send(gatewayApiIr(fits), 'GET http://api.example.com/metrics');
    expect(answer.status).toBe(200);
    expect(answer.response.body).toHaveLength(4096);
  });

  it('GEP-2826 the cap counts characters as the API server does, not bytes: 4096 "é" (8192 bytes) load', () => {
    expect(errorsOf(route(DIRECT('200', `            body: { string: "${'é'.repeat(4096)}" }\n`)))).toEqual([]);
    expect(errorsOf(route(DIRECT('200', `            body: { string: "${'é'.repeat(4097)}" }\n`)))).toHaveLength(1);
  });

  it('GEP-2826 statusCode outside 100–599 is what the API server rejects; 100–199 it takes, gatelab refuses with the reason', () => {
    for (const bad of ['99', '600', '"403"']) {
      const errors = errorsOf(route(DIRECT(bad)));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^test\.yaml:18:25: error GL_E_CONFIG_INVALID: statusCode must be an integer from 200 to 599, not .*; the API server rejects anything outside 100–599/);
    }
    const informational = errorsOf(route(DIRECT('103')));
    expect(informational).toHaveLength(1);
    expect(informational[0]).toContain('statusCode 103 is informational: the API server accepts it, but a 1xx cannot be a final answer');
    expect(informational[0]).toContain('envoyproxy/envoy#19237');
    expect(errorsOf(route(DIRECT('200')))).toEqual([]);
    expect(errorsOf(route(DIRECT('599')))).toEqual([]);
  });

  it('GEP-2826 statusCode is required', () => {
    const errors = errorsOf(route(`      filters:\n        - type: DirectResponse\n          directResponse: { body: { string: "hi" } }`));
    expect(errors.some((e) => e.includes('directResponse needs a statusCode'))).toBe(true);
  });
});
