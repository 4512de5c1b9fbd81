/**
 * The floor for a Node proxy: node:http in, one undici Agent out (keep-alive), headers copied, body
 * piped, no policies at all. Whatever gatelab spends above this is the pipeline's cost.
 *
 *   node --import tsx undici-bare.ts PORT UPSTREAM_PORT
 */
import { createServer } from 'node:http';
import { Agent } from 'undici';

const [port, upstreamPort] = process.argv.slice(2).map(Number) as [number, number];
const origin = `http://127.0.0.1:${upstreamPort}`;
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'host']);

createServer((req, res) => {
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP.has((raw[i] as string).toLowerCase())) headers.push(raw[i] as string, raw[i + 1] as string);
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  agent.request({ origin, path: req.url ?? '/', method: (req.method ?? 'GET') as 'GET', headers, body: hasBody ? req : undefined }).then(
    (up) => {
      res.statusCode = up.statusCode;
      for (const [name, value] of Object.entries(up.headers)) if (value !== undefined && !HOP.has(name)) res.setHeader(name, value);
      up.body.pipe(res);
    },
    (e: unknown) => res.writeHead(502).end(`upstream: ${String(e)}\n`),
  );
}).listen(port, '127.0.0.1', () => console.error(`undici-bare listening on ${port}`));
