/**
 * Real HTTP upstreams on 127.0.0.1 for the resilience parity suite: each answers with a status the
 * test sets before each request (and may change between requests), names itself in `x-upstream-name`
 * so the client can see which host answered, and can be closed and opened again on the same port —
 * a closed one refuses connections, which is how a test gets a "connection refused" host. One set to
 * `reset` reads each request and drops the connection without answering: a failure after the request
 * was written, where a refused one wrote nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The response header every scripted upstream adds: its own name. */
export const UPSTREAM_NAME_HEADER = 'x-upstream-name';

export interface ScriptedUpstream {
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:port`, the key the explain session's upstreamByTarget uses. */
  readonly target: string;
  /** What the next requests are answered with. */
  status: number;
  /** How long each answer waits (ms). */
  delayMs: number;
  /** Read the whole request, then destroy the socket instead of answering. */
  reset: boolean;
  /** Requests received since start. */
  hits: number;
  /** Whether the server is listening (a closed one refuses connections). */
  readonly listening: boolean;
  /** Stops listening: from now on connections to the port are refused. */
  close(): Promise<void>;
  /** Listens again on the same port. */
  reopen(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startScriptedUpstream(name: string, opts: { status?: number; delayMs?: number; listening?: boolean } = {}): Promise<ScriptedUpstream> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    up.hits++;
    const status = up.status;
    const reset = up.reset;
    req.resume();
    req.on('end', () => {
      if (reset) return void req.socket.destroy();
      const answer = (): void => {
        res.writeHead(status, { [UPSTREAM_NAME_HEADER]: name });
        res.end(`${name} ${status}\n`);
      };
      if (up.delayMs <= 0) return answer();
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, up.delayMs);
      timers.add(t);
    });
  });
  const port = await listen(server, 0);
  let open = true;
  const up: ScriptedUpstream = {
    name,
    port,
    target: `127.0.0.1:${port}`,
    status: opts.status ?? 200,
    delayMs: opts.delayMs ?? 0,
    reset: false,
    hits: 0,
    get listening() {
      return open;
    },
    async close() {
      if (!open) return;
      open = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async reopen() {
      if (open) return;
      await listen(server, port);
      open = true;
    },
  };
  if (opts.listening === false) await up.close();
  return up;
}

/** Starts one scripted upstream per name; `refused` ones are started and closed at once. */
export async function startScriptedUpstreams(live: readonly string[], refused: readonly string[] = []): Promise<Record<string, ScriptedUpstream>> {
  const out: Record<string, ScriptedUpstream> = {};
  for (const name of live) out[name] = await startScriptedUpstream(name);
  for (const name of refused) out[name] = await startScriptedUpstream(name, { listening: false });
  return out;
}

export async function closeAll(upstreams: Record<string, ScriptedUpstream> | undefined): Promise<void> {
  for (const u of Object.values(upstreams ?? {})) await u.close();
}
