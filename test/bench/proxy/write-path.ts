/**
 * The host's answer write in process: a node:http server answering through writeGatewayHead and an
 * UpstreamBody fed as undici feeds it (head, then the chunk and the end in the same turn), and 50
 * keep-alive connections from the same process asking one request at a time each. The two ways of
 * sending the body alternate by round: `buffer` (the Buffer written, then the end) and `one` (the
 * whole body ended with the head as one string, UpstreamBody's one-write path). The client's cost is
 * the same for both, so the difference is the server's. CPU µs per request of the whole process.
 *
 *   npx tsx test/bench/proxy/write-path.ts [requests per round] [rounds]
 */
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { HeaderMap } from '../../../engine/pipeline/headers.ts';
import type { GatewayResponse } from '../../../engine/pipeline/types.ts';
import { sendGatewayBody, writeGatewayHead } from '../../../engine/runtimes/proxy/response-writer.ts';
import { UpstreamBody } from '../../../engine/runtimes/proxy/upstream-body.ts';
import { median } from '../table.ts';

const N = Math.min(2_000_000, Number(process.argv[2] ?? 100_000));
const ROUNDS = Math.min(40, Number(process.argv[3] ?? 6));
const CONNECTIONS = 50;
const BODY = Buffer.from('ok\n');
/** The bench's answer: nginx's lines and Kong's, 14 in all. */
const LINES: Array<[string, string]> = [
  ['server', 'nginx'],
  ['date', new Date().toUTCString()],
  ['content-type', 'text/plain'],
  ['content-length', String(BODY.length)],
  ['X-RateLimit-Limit-Minute', '10000000'],
  ['X-RateLimit-Remaining-Minute', '9999990'],
  ['RateLimit-Limit', '10000000'],
  ['RateLimit-Remaining', '9999990'],
  ['RateLimit-Reset', '40'],
  ['X-Kong-Upstream-Latency', '1'],
  ['X-Kong-Proxy-Latency', '0'],
  ['Via', '1.1 kong/3.9.1'],
];

let mode: 'buffer' | 'one' = 'one';
const server = createServer((_req, res) => {
  const body = new UpstreamBody(
    () => undefined,
    () => undefined,
  );
  const response: GatewayResponse = { status: 200, source: 'upstream', headers: new HeaderMap(LINES), stream: body };
  if (!writeGatewayHead(res, response)) return;
  if (mode === 'one') sendGatewayBody(res, response);
  else body.sendTo(res as ServerResponse, -1);
  body.accept(BODY);
  body.end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

/** `n` requests over CONNECTIONS keep-alive sockets, one in flight per socket. */
async function run(n: number, sockets: Socket[]): Promise<void> {
  let sent = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    for (const s of sockets) {
      let seen = 0;
      s.removeAllListeners('data');
      s.on('data', (d: Buffer) => {
        // Each answer ends with the 3-byte body "ok\n"; count answers by their last byte.
        for (let i = 0; i < d.length; i++) if (d[i] === 10 && d[i - 1] === 107) seen++;
        while (seen > 0) {
          seen--;
          done++;
          if (done === n) return resolve();
          if (sent < n) {
            sent++;
            s.write('GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
          }
        }
      });
      if (sent < n) {
        sent++;
        s.write('GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      }
    }
  });
}

const sockets = await Promise.all(
  Array.from({ length: CONNECTIONS }, () => new Promise<Socket>((resolve) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
  })),
);
const results: Record<string, number[]> = { buffer: [], one: [] };
for (const m of ['buffer', 'one'] as const) {
  mode = m;
  await run(Math.min(N, 20_000), sockets);
}
for (let r = 0; r < ROUNDS; r++) {
  for (const m of r % 2 ? (['one', 'buffer'] as const) : (['buffer', 'one'] as const)) {
    mode = m;
    const before = process.cpuUsage();
    await run(N, sockets);
    const used = process.cpuUsage(before);
    (results[m] as number[]).push((used.user + used.system) / N);
  }
}
for (const s of sockets) s.destroy();
server.close();
for (const m of ['buffer', 'one']) console.log(`${m.padEnd(6)} median ${median(results[m] as number[]).toFixed(2)} CPU µs/request (client and server), rounds ${(results[m] as number[]).map((v) => v.toFixed(2)).join(' ')}`);
