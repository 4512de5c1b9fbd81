/**
 * Heap per idle keep-alive client connection: gatelab serve (started with --expose-gc, idle timeout
 * raised to 5 min so nothing closes mid-measure) gets N plain TCP connections from this process,
 * each sends one request and reads the whole answer, then all sit idle. The proxy's heap after GC,
 * read through its SIGUSR2 probe, before and after, divided by the connections still open.
 * Each connection costs a file descriptor on both sides: the soft limit is 20,000 here, so 10k fits;
 * above the limit, the count actually opened is reported.
 */
import { connect, type Socket } from 'node:net';
import { Pool } from 'undici';
import { BENCH_KEY } from './peers/policies.ts';
import { startGatelab, startUpstream } from './peers.ts';
import { freePort, rssBytes } from './process-tools.ts';
import { printTable } from '../table.ts';

const TARGET_BYTES = 4096;
const WARMUP_REQUESTS = 2000;
const REQUEST = `GET /bench HTTP/1.1\r\nHost: 127.0.0.1\r\napikey: ${BENCH_KEY}\r\n\r\n`;

/** Opens one connection, sends one request, resolves once the full 3-byte body ("ok\n") arrived. */
function openOne(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let seen = '';
    const fail = (): void => {
      socket.destroy();
      resolve(undefined);
    };
    socket.once('error', fail);
    socket.setTimeout(30_000, fail);
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n\r\nok\n')) {
        socket.setTimeout(0);
        socket.removeAllListeners('data');
        socket.on('data', () => undefined);
        resolve(socket);
      }
    });
    socket.once('connect', () => socket.write(REQUEST));
  });
}

export async function heapPerConnection(wanted: number): Promise<void> {
  const upstream = await startUpstream(await freePort());
  const gatelab = await startGatelab({ port: await freePort(), adminPort: await freePort(), upstreamPort: upstream.port, exposeGc: true, extraArgs: ['--keepalive-timeout', '300'] });
  const sockets: Socket[] = [];
  let closed = 0;
  try {
    // Warm-up: compiled code and upstream connections in the baseline, and enough requests to fill
    // the proxy's trace ring (10,000 events, about 8 a request), which would otherwise grow with the
    // measured requests and be counted as connection memory.
    const pool = new Pool(`http://127.0.0.1:${gatelab.port}`, { connections: 50 });
    for (let i = 0; i < WARMUP_REQUESTS; i += 50) {
      await Promise.all(Array.from({ length: 50 }, async () => (await pool.request({ path: '/bench', method: 'GET', headers: { apikey: BENCH_KEY } })).body.dump()));
    }
    await pool.close();
    await new Promise((r) => setTimeout(r, 500));
    const before = await gatelab.heapAfterGc();
    const rssBefore = rssBytes(gatelab.pid);
    // 200 at a time: a burst of 10k SYNs would overflow the listen backlog.
    for (let i = 0; i < wanted; i += 200) {
      const batch = await Promise.all(Array.from({ length: Math.min(200, wanted - i) }, () => openOne(gatelab.port)));
      for (const s of batch) {
        if (!s) continue;
        s.once('close', () => closed++);
        sockets.push(s);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const after = await gatelab.heapAfterGc();
    const rssAfter = rssBytes(gatelab.pid);
    const open = sockets.length - closed;
    const perConn = (after.heapUsed - before.heapUsed) / open;
    const rssPerConn = (rssAfter - rssBefore) / open;
    printTable(
      `Heap per idle keep-alive connection: ${open.toLocaleString('en')} of ${wanted.toLocaleString('en')} connections open and idle after one request each (heap after GC in the proxy, before vs after; target ≤ 4 KB)`,
      ['measure', 'before', 'after', 'per connection', 'target met'],
      [
        ['JS heap (heapUsed)', `${(before.heapUsed / 2 ** 20).toFixed(1)} MB`, `${(after.heapUsed / 2 ** 20).toFixed(1)} MB`, `${perConn.toFixed(0)} B`, perConn <= TARGET_BYTES ? 'yes' : 'NO'],
        ['RSS (whole process; kernel socket buffers are not in it)', `${(rssBefore / 2 ** 20).toFixed(1)} MB`, `${(rssAfter / 2 ** 20).toFixed(1)} MB`, `${rssPerConn.toFixed(0)} B`, ''],
      ],
    );
  } finally {
    for (const s of sockets) s.destroy();
    await gatelab.stop();
    await upstream.stop();
  }
}
