/**
 * Helpers for the Traefik tests: YAML in, IR out through the real loader, and one request through a
 * fresh explain session — the same path `gatelab explain --json --format traefik` takes.
 */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../core/errors.ts';
import { createExplainSession, type ExplainResult, type ExplainSession } from '../../runtimes/sim/explain.ts';
import type { GatewayIR } from '../ir.ts';
import { loadGateway } from '../load-gateway.ts';
import { parseYaml } from '../yaml-source.ts';

/** 2026-01-01T12:00:00Z. */
export const NOW = 1_767_268_800_000;

export function loadTraefik(yaml: string, file = 'test.yaml'): { ir?: GatewayIR; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(yaml, file);
  const loaded = loadGateway({ format: 'traefik', sources: [{ file, docs: parsed.docs }], overlays: [] });
  return { ...(loaded.ir ? { ir: loaded.ir } : {}), diagnostics: [...parsed.diagnostics, ...loaded.diagnostics] };
}

export function traefikIr(yaml: string, file = 'test.yaml'): GatewayIR {
  const { ir, diagnostics } = loadTraefik(yaml, file);
  if (!ir || hasErrors(diagnostics)) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return ir;
}

export interface TestRequest {
  method?: string;
  url: string;
  headers?: Record<string, string | string[]>;
  clientIp?: string;
  upstreamStatus?: number;
  upstreamHeaders?: Array<[string, string]>;
  now?: number;
}

export function session(ir: GatewayIR, seed = 1): ExplainSession {
  return createExplainSession(ir, seed);
}

export async function send(s: ExplainSession, r: TestRequest, id?: string): Promise<ExplainResult> {
  const headers: Array<[string, string]> = [];
  for (const [n, v] of Object.entries(r.headers ?? {})) for (const one of Array.isArray(v) ? v : [v]) headers.push([n, one]);
  return s.send(
    {
      method: r.method ?? 'GET',
      url: r.url,
      headers,
      clientIp: r.clientIp ?? '198.51.100.10',
      now: r.now ?? NOW,
      seed: 1,
      repeat: 0,
      upstreamStatus: r.upstreamStatus ?? 200,
      upstreamHeaders: r.upstreamHeaders ?? [],
    },
    id,
  );
}

/** One IngressRoute, one route with `rule`, one service `whoami:80`, on every default entryPoint. */
export function oneRoute(rule: string, extra: { syntax?: string; priority?: number; middlewares?: string[] } = {}): string {
  return `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: test-route
spec:
  routes:
    - match: ${JSON.stringify(rule)}
${extra.syntax ? `      syntax: ${extra.syntax}\n` : ''}${extra.priority !== undefined ? `      priority: ${extra.priority}\n` : ''}      services:
        - name: whoami
          port: 80
${extra.middlewares ? `      middlewares:\n${extra.middlewares.map((m) => `        - name: ${m}\n`).join('')}` : ''}`;
}

/** The same as a router of Traefik's file provider. */
export function oneFileRouter(rule: string, extra: { syntax?: string } = {}): string {
  return `http:
  routers:
    test:
      rule: ${JSON.stringify(rule)}
${extra.syntax ? `      ruleSyntax: ${extra.syntax}\n` : ''}      service: whoami
  services:
    whoami:
      loadBalancer:
        servers: [{ url: "http://10.0.0.1:80" }]
`;
}

/** The status each URL gets under one rule; 'error' when the router is not served (Traefik's error). */
export async function statuses(
  rule: string,
  urls: readonly string[],
  opts: { syntax?: string; headers?: Record<string, string | string[]>; clientIp?: string; provider?: 'crd' | 'file' } = {},
): Promise<Record<string, number> | 'error'> {
  const extra = opts.syntax ? { syntax: opts.syntax } : {};
  const { ir, diagnostics } = loadTraefik(opts.provider === 'file' ? oneFileRouter(rule, extra) : oneRoute(rule, extra));
  if (!ir) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  if (diagnostics.some((d) => d.code === 'GL_W_ROUTE_NOT_SERVED')) return 'error';
  const s = session(ir);
  const out: Record<string, number> = {};
  for (const url of urls) {
    out[url] = (await send(s, { url, ...(opts.headers ? { headers: opts.headers } : {}), ...(opts.clientIp ? { clientIp: opts.clientIp } : {}) })).status;
  }
  return out;
}

/**
 * A file-provider config: router `shop` on every path → service `service`; service `shop` balances two
 * servers (10.0.0.1, 10.0.0.2) with `lbField` (one YAML line, e.g. "healthCheck: { path: /ping }") in
 * its loadBalancer. `extra` follows at the services' level (more services).
 */
export function shopLoadBalancer(lbField: string, extra = '', service = 'shop'): string {
  return `http:
  routers:
    shop:
      rule: PathPrefix(\`/\`)
      service: ${service}
  services:
    shop:
      loadBalancer:
        servers: [{ url: "http://10.0.0.1:80" }, { url: "http://10.0.0.2:80" }]
        ${lbField}
${extra}`;
}

/** An IngressRoute `shop` (namespace default) on every path, whose one service `shop:80` carries `serviceField` (one YAML line). */
export function shopIngressRoute(serviceField: string): string {
  return `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: shop, namespace: default }
spec:
  routes:
    - match: PathPrefix(\`/\`)
      kind: Rule
      services:
        - name: shop
          port: 80
          ${serviceField}
`;
}
