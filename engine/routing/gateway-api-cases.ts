/**
 * A table form for request cases ported from the Gateway API conformance suite
 * (kubernetes-sigs/gateway-api conformance/tests/*.go): one request, and what the client and the
 * backend must see. The configs beside the cases are gatelab's own; the expected facts are the suite's.
 */
import { expect } from 'vitest';
import type { GatewayIR } from '../config/ir.ts';
import { send } from '../config/gateway-api/test-kit.ts';

export interface GwCase {
  /** "METHOD absolute-URL". */
  req: string;
  headers?: Record<string, string>;
  upstreamResponseHeaders?: Array<[string, string]>;
  /** The Service that must receive the request (status 200 implied). */
  backend?: string;
  status?: number;
  /** Path (with query) the backend receives. */
  path?: string;
  /** Host header the backend receives. */
  host?: string;
  /** Request headers the backend must receive (names case-insensitive). */
  upstream?: Record<string, string>;
  /** Request headers the backend must not receive. */
  absent?: string[];
  /** Response headers the client must receive. */
  response?: Record<string, string>;
  responseAbsent?: string[];
  /** The Location of a redirect. */
  location?: string;
  route?: string;
}

function headerValue(map: Record<string, string | string[]> | undefined, name: string): string | undefined {
  const v = map?.[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}

export function caseName(c: GwCase): string {
  const h = c.headers ? ` ${Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`).join(', ')}` : '';
  const want = c.backend ? `→ ${c.backend}` : c.location ? `→ ${c.status ?? 302} ${c.location}` : `→ ${c.status}`;
  return `${c.req}${h} ${want}`;
}

export async function checkCase(ir: GatewayIR, c: GwCase): Promise<void> {
  const r = await send(ir, c.req, { headers: c.headers ?? {}, upstreamHeaders: c.upstreamResponseHeaders ?? [] });
  const why = r.decisions.map((d) => `${d.plugin}: ${d.reason}`).join('\n');
  const status = c.status ?? (c.location ? 302 : 200);
  expect(r.status, why).toBe(status);
  if (c.backend !== undefined) expect(r.backend, why).toBe(c.backend);
  if (c.backend === undefined && status !== 200) expect(r.backend, why).toBeNull();
  if (c.route !== undefined) expect(r.route, why).toBe(c.route);
  if (c.path !== undefined) expect(r.upstream?.path, why).toBe(c.path);
  if (c.host !== undefined) expect(r.upstream?.host, why).toBe(c.host);
  for (const [n, v] of Object.entries(c.upstream ?? {})) expect(headerValue(r.upstream?.headers, n), `upstream ${n}\n${why}`).toBe(v);
  for (const n of c.absent ?? []) expect(headerValue(r.upstream?.headers, n), `upstream ${n} absent`).toBeUndefined();
  for (const [n, v] of Object.entries(c.response ?? {})) expect(headerValue(r.response.headers, n), `response ${n}`).toBe(v);
  for (const n of c.responseAbsent ?? []) expect(headerValue(r.response.headers, n), `response ${n} absent`).toBeUndefined();
  if (c.location !== undefined) expect(r.redirect?.location, why).toBe(c.location);
}
