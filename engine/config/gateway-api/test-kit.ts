/**
 * Helpers for the Gateway API tests: YAML text → IR through the real loader, and one request through
 * the explain host, answered as `gatelab explain --json` would answer it.
 */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../core/errors.ts';
import { explainRequest, type ExplainResult } from '../../runtimes/sim/explain.ts';
import { loadGateway } from '../load-gateway.ts';
import type { GatewayIR } from '../ir.ts';
import { parseYaml } from '../yaml-source.ts';

/** One Gateway `gw` in `default` with an HTTP listener on 80: what most route tests attach to. */
export const MINIMAL_GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: default }
spec:
  gatewayClassName: test
  listeners: [{ name: http, port: 80, protocol: HTTP }]
`;

export function loadGatewayApi(yaml: string, file = 'test.yaml'): { ir?: GatewayIR; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(yaml, file);
  const loaded = loadGateway({ format: 'gateway-api', sources: [{ file, docs: parsed.docs }], overlays: [] });
  return { ...(loaded.ir ? { ir: loaded.ir } : {}), diagnostics: [...parsed.diagnostics, ...loaded.diagnostics] };
}

/** The IR, or a thrown error listing every error diagnostic. */
export function gatewayApiIr(yaml: string): GatewayIR {
  const { ir, diagnostics } = loadGatewayApi(yaml);
  if (!ir || hasErrors(diagnostics)) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return ir;
}

export interface SendOptions {
  headers?: Record<string, string> | Array<[string, string]>;
  upstreamHeaders?: Array<[string, string]>;
  upstreamStatus?: number;
  clientIp?: string;
  seed?: number;
}

/** `line` is "METHOD absolute-URL", as `--request` takes it. */
export async function send(ir: GatewayIR, line: string, opts: SendOptions = {}): Promise<ExplainResult> {
  const [method, url] = line.split(/\s+/) as [string, string];
  const headers = Array.isArray(opts.headers) ? opts.headers : Object.entries(opts.headers ?? {});
  return explainRequest(ir, {
    method,
    url,
    headers,
    clientIp: opts.clientIp ?? '198.51.100.10',
    now: 0,
    seed: opts.seed ?? 1,
    repeat: 0,
    upstreamStatus: opts.upstreamStatus ?? 200,
    upstreamHeaders: opts.upstreamHeaders ?? [],
  });
}

/**
 * The Gateways every conformance test leans on, in the test's namespace: one HTTP listener on port 80
 * admitting routes from its own namespace, one admitting every namespace, one admitting namespaces
 * labelled as backends, and one HTTPS Gateway (a catch-all listener and one for second-example.org).
 */
export const CONFORMANCE_BASE = `
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-infra, labels: { gateway-conformance: infra } }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-app-backend, labels: { gateway-conformance: backend } }
---
apiVersion: v1
kind: Namespace
metadata: { name: gateway-conformance-web-backend, labels: { gateway-conformance: backend } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace, namespace: gateway-conformance-infra }
spec:
  gatewayClassName: test
  listeners:
    - { name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: Same } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: all-namespaces, namespace: gateway-conformance-infra }
spec:
  gatewayClassName: test
  listeners:
    - { name: http, port: 80, protocol: HTTP, allowedRoutes: { namespaces: { from: All } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: backend-namespaces, namespace: gateway-conformance-infra }
spec:
  gatewayClassName: test
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { gateway-conformance: backend } } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: same-namespace-with-https-listener, namespace: gateway-conformance-infra }
spec:
  gatewayClassName: test
  listeners:
    - name: https
      port: 443
      protocol: HTTPS
      tls: { certificateRefs: [{ name: cert }] }
    - name: https-with-hostname
      port: 443
      protocol: HTTPS
      hostname: second-example.org
      tls: { certificateRefs: [{ name: cert }] }
`;

/** The Services of the conformance base (so a reference to anything else is BackendNotFound). */
export const CONFORMANCE_SERVICES = ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3']
  .map((n) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${n}, namespace: gateway-conformance-infra }\nspec: { ports: [{ port: 8080 }] }`)
  .concat(
    ['app-backend-v1', 'app-backend-v2'].map(
      (n) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${n}, namespace: gateway-conformance-app-backend }\nspec: { ports: [{ port: 8080 }] }`,
    ),
    ['apiVersion: v1\nkind: Service\nmetadata: { name: web-backend, namespace: gateway-conformance-web-backend }\nspec: { ports: [{ port: 8080 }] }'],
  )
  .join('\n---\n');

/** A conformance-style config: the base Gateways and Services, then the test's own documents. */
export function withBase(docs: string): string {
  return `${CONFORMANCE_BASE}---\n${CONFORMANCE_SERVICES}\n---\n${docs}`;
}
