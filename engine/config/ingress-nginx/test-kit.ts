/**
 * Helpers for the ingress-nginx behaviour tests: YAML in, IR out (failing loudly on errors), and a
 * request through the explain host — the same path `gatelab explain --json --format ingress-nginx` takes.
 */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../core/errors.ts';
import { createExplainSession, type ExplainResult } from '../../runtimes/sim/explain.ts';
import type { GatewayIR } from '../ir.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptIngressNginx } from './adapt.ts';

export function ingressIr(yaml: string): { ir: GatewayIR; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(yaml, 'test.yaml');
  const result = adaptIngressNginx(parsed.docs);
  const all = [...parsed.diagnostics, ...result.diagnostics];
  if (!result.ir || hasErrors(all)) throw new Error(all.map(formatDiagnostic).join('\n'));
  return { ir: result.ir, diagnostics: all };
}

export interface Ask {
  method?: string;
  headers?: Record<string, string> | Array<[string, string]>;
  clientIp?: string;
  seed?: number;
  upstreamStatus?: number;
}

/** A session: requests share limiter state, as on one replica; each call sends one request. */
export function session(yaml: string, seed = 1): (url: string, ask?: Ask) => Promise<ExplainResult> {
  const { ir } = ingressIr(yaml);
  const s = createExplainSession(ir, seed);
  return (url, ask = {}) =>
    s.send({
      method: ask.method ?? 'GET',
      url,
      headers: Array.isArray(ask.headers) ? ask.headers : Object.entries(ask.headers ?? {}),
      clientIp: ask.clientIp ?? '198.51.100.10',
      now: 1_767_225_600_000,
      seed: ask.seed ?? seed,
      repeat: 0,
      upstreamStatus: ask.upstreamStatus ?? 200,
      upstreamHeaders: [],
    });
}

/** One request against a fresh gateway. */
export function ask(yaml: string, url: string, opts: Ask = {}): Promise<ExplainResult> {
  return session(yaml, opts.seed ?? 1)(url, opts);
}

/** A minimal Ingress: `paths` as [path, pathType, service] triples. */
export function ingress(
  name: string,
  host: string | undefined,
  paths: Array<[string, string, string]>,
  annotations: Record<string, string> = {},
  extra: { namespace?: string; tls?: string[]; port?: number } = {},
): string {
  const anns = Object.entries(annotations).map(([k, v]) => `    ${k.includes('/') ? k : `nginx.ingress.kubernetes.io/${k}`}: ${JSON.stringify(v)}`);
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${extra.namespace ?? 'default'}`,
    ...(anns.length ? ['  annotations:', ...anns] : []),
    'spec:',
    '  ingressClassName: nginx',
    ...(extra.tls ? ['  tls:', `    - hosts: [${extra.tls.join(', ')}]`, `      secretName: ${name}-tls`] : []),
    '  rules:',
    `    - ${host !== undefined ? `host: ${JSON.stringify(host)}\n      ` : ''}http:`,
    '        paths:',
    ...paths.flatMap(([path, pathType, service]) => [
      `          - path: ${JSON.stringify(path)}`,
      `            pathType: ${pathType}`,
      `            backend: { service: { name: ${service}, port: { number: ${extra.port ?? 80} } } }`,
    ]),
  ].join('\n');
}

export const docs = (...parts: string[]): string => parts.join('\n---\n');
