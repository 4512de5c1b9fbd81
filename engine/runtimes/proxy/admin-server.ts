/**
 * The admin listener: health and readiness for orchestrators, the loaded config, a basic metrics
 * exposition, the live trace as Server-Sent Events so the lab can attach to a running proxy, and the
 * health checks' view of each target (health-routes.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyServer } from './proxy-server.ts';
import { METRICS_EVENT_TYPES, MetricsRegistry } from '../../observe/metrics.ts';
import { answerHealth, healthRoute } from './health-routes.ts';

const CORS_PATHS = new Set(['/trace', '/config']);
const CORS = { 'access-control-allow-origin': '*' };

/** `metrics: false` (the ablation bench only) leaves the registry unsubscribed, so /metrics stays empty. */
export async function startAdmin(proxy: ProxyServer, host: string, port: number, opts: { metrics?: boolean } = {}): Promise<{ server: Server; address: AddressInfo }> {
  const metrics = new MetricsRegistry();
  if (opts.metrics !== false) proxy.sink.subscribe((e) => metrics.add(e), METRICS_EVENT_TYPES);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // The lab is a static page on its own origin; it may read the read-only GET endpoints it attaches
    // to. Nothing here changes state, so a wildcard origin exposes nothing a curl could not read.
    if (CORS_PATHS.has(path)) {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { ...CORS, 'access-control-allow-methods': 'GET', 'access-control-max-age': '600' }).end();
        return;
      }
      if (req.method === 'GET') res.setHeader('access-control-allow-origin', '*');
    }
    const health = healthRoute(path);
    if (health) {
      answerHealth(proxy, health, req, res);
      return;
    }
    switch (path) {
      case '/healthz':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      case '/readyz':
        res.writeHead(proxy.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(proxy.ready ? 'ready\n' : 'draining\n');
        return;
      case '/config':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(proxy.ir, null, 2));
        return;
      case '/metrics':
        proxy.connections().then((n) => {
          metrics.setGauge('gatelab_connections', 'Client connections open on the proxy listener.', { state: 'active' }, n);
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.exposition());
        }, () => res.writeHead(500).end());
        return;
      case '/trace': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        // Send the headers now: a browser's EventSource reports "open" only then, and a proxy that
        // has served nothing yet would otherwise leave the lab saying "connecting" until a request.
        res.flushHeaders();
        // First the proxy's run.start (live-run-start.ts): when its trace began, as a simulated trace
        // begins. It is made here for this subscriber alone, never put in the sink or its ring.
        res.write(`data: ${JSON.stringify(proxy.runStart())}\n\n`);
        for (const e of proxy.sink.recent()) res.write(`data: ${JSON.stringify(e)}\n\n`);
        const unsubscribe = proxy.sink.subscribe((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
        req.on('close', unsubscribe);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz /readyz /config /metrics /trace /upstreams/{upstream}/health /services/{service}/health\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, address: server.address() as AddressInfo };
}
