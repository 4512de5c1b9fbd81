/**
 * Bare proxies that differ only in their upstream client, to price the client itself: node:http in,
 * headers copied, the answer written with one `writeHead(status, flat)` and its chunks written as
 * they come (as gatelab's host does), no policies. MODE picks the client:
 *
 *   agent[-pN]   undici Agent.dispatch with a handler (what gatelab's upstream-client.ts does)
 *   pool[-pN]    one undici Pool per origin in a Map, Pool.dispatch
 *   client-pN    one undici Client per origin (one connection, pipelining N)
 *   lean         peers/lean-client.ts: net.Socket, one string write, a small parser
 *   lean-onread  the same, reading through net's `onread` (one reused buffer, no Readable)
 *
 *   node --import tsx bare-client.ts MODE PORT UPSTREAM_PORT
 */
import { createServer, type ServerResponse } from 'node:http';
import { Agent, Client, Pool, type Dispatcher } from 'undici';
import { LeanPool, watchTimeouts, type LeanHandler } from './lean-client.ts';

const [mode = 'agent', portText, upstreamText] = process.argv.slice(2);
const port = Number(portText);
const upstreamPort = Number(upstreamText);
const origin = `http://127.0.0.1:${upstreamPort}`;
const pipelining = Number(/-p(\d+)$/.exec(mode)?.[1] ?? 1);
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'host']);

/** Status, then flat header strings; the response is written as gatelab writes it. */
function answer(res: ServerResponse, status: number, flat: string[]): void {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) if (!HOP.has((flat[i] as string).toLowerCase())) out.push(flat[i] as string, flat[i + 1] as string);
  res.writeHead(status, out);
}

class UndiciHandler implements Dispatcher.DispatchHandler {
  constructor(private readonly res: ServerResponse) {}
  onConnect(): void {}
  onHeaders(status: number, raw: Buffer[]): boolean {
    const flat = new Array<string>(raw.length);
    for (let i = 0; i < raw.length; i++) flat[i] = (raw[i] as Buffer).toString('latin1');
    answer(this.res, status, flat);
    return true;
  }
  onData(chunk: Buffer): boolean {
    this.res.write(chunk);
    return true;
  }
  onComplete(): void {
    this.res.end();
  }
  onError(e: Error): void {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502).end(`upstream: ${e.message}\n`);
  }
}

class LeanToClient implements LeanHandler {
  constructor(private readonly res: ServerResponse) {}
  onHeaders(status: number, headers: string[]): void {
    answer(this.res, status, headers);
  }
  onData(chunk: Buffer): void {
    this.res.write(chunk);
  }
  onComplete(): void {
    this.res.end();
  }
  onError(e: Error): void {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502).end(`upstream: ${e.message}\n`);
  }
}

type Send = (method: string, path: string, headers: string[], res: ServerResponse) => void;

function sender(): Send {
  if (mode.startsWith('lean')) {
    const pools = new Map<string, LeanPool>();
    watchTimeouts(pools.values());
    return (method, path, headers, res) => {
      let pool = pools.get(origin);
      if (!pool) pools.set(origin, (pool = new LeanPool('127.0.0.1', upstreamPort, mode === 'lean-onread')));
      pool.request(method, path, headers, new LeanToClient(res));
    };
  }
  const opts = { keepAliveTimeout: 30_000, pipelining };
  let dispatcherFor: (o: string) => Dispatcher;
  if (mode.startsWith('agent')) {
    const agent = new Agent({ ...opts, connections: 256 });
    dispatcherFor = () => agent;
  } else {
    const map = new Map<string, Dispatcher>();
    const make = mode.startsWith('pool') ? (o: string) => new Pool(o, { ...opts, connections: 256 }) : (o: string) => new Client(o, opts);
    dispatcherFor = (o) => {
      let d = map.get(o);
      if (!d) map.set(o, (d = make(o)));
      return d;
    };
  }
  return (method, path, headers, res) => {
    dispatcherFor(origin).dispatch(
      { origin, path, method: method as Dispatcher.HttpMethod, headers, headersTimeout: 30_000, bodyTimeout: 30_000 },
      new UndiciHandler(res),
    );
  };
}

const send = sender();
createServer((req, res) => {
  // GET only (what the bench sends): the client is what is compared, not request-body handling.
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP.has((raw[i] as string).toLowerCase())) headers.push(raw[i] as string, raw[i + 1] as string);
  send(req.method ?? 'GET', req.url ?? '/', headers, res);
}).listen(port, '127.0.0.1', () => console.error(`bare-client ${mode} listening on ${port}`));
// Exit cleanly on the bench's SIGTERM, so `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
