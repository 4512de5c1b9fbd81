/**
 * The admin listener's two target-health endpoints: Kong's `GET /upstreams/{upstream}/health`
 * (kong-health-api.ts) and gatelab's `GET /services/{service}/health` for any dialect
 * (service-health-api.ts). Both read the state at the moment of asking, on the proxy's clock.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { kongUpstreamHealth, type AdminAnswer, type HealthSource } from './kong-health-api.ts';
import { serviceHealth } from './service-health-api.ts';

export type HealthRoute = { kind: 'kong-upstream'; name: string } | { kind: 'service'; name: string };

const KONG_UPSTREAM = /^\/upstreams\/([^/]+)\/health\/?$/;
const SERVICE = /^\/services\/([^/]+)\/health\/?$/;

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The route a path names, or undefined when it is not one of these two. */
export function healthRoute(path: string): HealthRoute | undefined {
  const kong = KONG_UPSTREAM.exec(path);
  if (kong?.[1] !== undefined) {
    const name = decoded(kong[1]);
    return name === undefined ? undefined : { kind: 'kong-upstream', name };
  }
  const service = SERVICE.exec(path);
  if (service?.[1] !== undefined) {
    const name = decoded(service[1]);
    return name === undefined ? undefined : { kind: 'service', name };
  }
  return undefined;
}

export function answerHealth(proxy: HealthSource & { now(): number }, route: HealthRoute, req: IncomingMessage, res: ServerResponse): void {
  let answer: AdminAnswer;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // Kong's own answer to a method a route does not have; gatelab has no POST .../healthy either.
    answer = { status: 405, body: { message: 'Method not allowed' } };
  } else if (route.kind === 'kong-upstream') {
    // Kong compares the query value as a string: only "1" asks for the balancer.
    const query = new URL(req.url ?? '/', 'http://admin').searchParams;
    answer = kongUpstreamHealth(proxy, route.name, query.get('balancer_health') === '1', proxy.now());
  } else {
    answer = serviceHealth(proxy, route.name, proxy.now());
  }
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
}
