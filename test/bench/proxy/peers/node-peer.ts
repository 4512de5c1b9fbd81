/**
 * The Node peers the gateway is compared with, each a child process of the bench:
 *
 *   node --import tsx node-peer.ts KIND PORT UPSTREAM_PORT
 *
 * KIND is http-proxy (the npm package), fastify (@fastify/http-proxy) or fast-gateway. Each runs the
 * same policies (./policies.ts) and keeps its upstream connections alive, as gatelab and nginx do.
 */
import { Agent as HttpAgent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import httpProxy from 'http-proxy';
import fastify from 'fastify';
import fastifyHttpProxy from '@fastify/http-proxy';
import fastGateway from 'fast-gateway';
import { ADDED_HEADER, PolicyGate } from './policies.ts';

const [kind, portText, upstreamText] = process.argv.slice(2);
const port = Number(portText);
const target = `http://127.0.0.1:${Number(upstreamText)}`;
const gate = new PolicyGate();
const ready = (): void => console.error(`${kind} listening on ${port}`);

/** Runs the policies; answers and returns false when the request stops here. */
function admit(req: IncomingMessage, res: ServerResponse): boolean {
  const status = gate.check(req.headers.apikey, req.socket.remoteAddress ?? '', Date.now());
  if (status === 0) {
    req.headers[ADDED_HEADER] = '1';
    return true;
  }
  res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 401 ? 'no valid key\n' : 'rate limited\n');
  return false;
}

async function main(): Promise<void> {
  switch (kind) {
    case 'http-proxy': {
      const proxy = httpProxy.createProxyServer({ target, agent: new HttpAgent({ keepAlive: true, maxSockets: 256 }) });
      proxy.on('error', (_e, _req, res) => {
        if ('writeHead' in res && !res.headersSent) res.writeHead(502).end();
      });
      createServer((req, res) => {
        if (admit(req, res)) proxy.web(req, res);
      }).listen(port, '127.0.0.1', ready);
      return;
    }
    case 'fastify': {
      const app = fastify({ logger: false });
      app.addHook('onRequest', (request, reply, done) => {
        if (admit(request.raw, reply.raw)) done();
        else reply.hijack();
      });
      await app.register(fastifyHttpProxy, {
        upstream: target,
        replyOptions: { rewriteRequestHeaders: (_req, headers) => ({ ...headers, [ADDED_HEADER]: '1' }) },
      });
      await app.listen({ port, host: '127.0.0.1' });
      ready();
      return;
    }
    case 'fast-gateway': {
      const server = fastGateway({
        middlewares: [(req: IncomingMessage, res: ServerResponse, next: () => void) => (admit(req, res) ? next() : undefined)],
        // An empty prefix: fast-gateway appends '/*' to it, and strips it from the forwarded path.
        routes: [{ prefix: '', target }],
      });
      await server.start(port, '127.0.0.1');
      ready();
      return;
    }
    default:
      throw new Error(`node-peer: unknown kind '${kind}' (http-proxy | fastify | fast-gateway)`);
  }
}

void main();
