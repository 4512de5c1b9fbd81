/**
 * `gatelab serve > access.log`: with stdout a file, the access log's batches are written straight to
 * the fd (engine/cli/line-batcher.ts stdoutSink) instead of through process.stdout. The same requests
 * to a serve whose stdout is a pipe (the other path) and to one whose stdout is a file must log the
 * same bytes, apart from the fields that differ from run to run (times, request ids), every line
 * whole, and the last batch written when the proxy stops. Real sockets on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';
import { startServe } from '../support/serve-process.ts';

/** Bytes above 0x7f in a header are read as Latin-1 and kept as such by the JSON form: the UTF-8 encoding of the line is exercised. */
const AGENTS = ['plain/1.0', 'caf\u00e9-client/2 (\u00e2\u0082\u00ac)', 'quote "and" back\\slash'];
const REQUESTS = 120;

function send(port: number, i: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/p/${i}?n=${i}`, headers: { 'user-agent': AGENTS[i % AGENTS.length] as string, referer: `https://r.example/${i}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A line with the fields that change between runs blanked. */
function stable(line: string): string {
  const j = JSON.parse(line) as Record<string, unknown>;
  for (const k of ['time', 'request_time', 'upstream_response_time', 'req_id', 'upstream_addr']) delete j[k];
  return JSON.stringify(j);
}

describe('gatelab serve with stdout a file: the access log bytes match the pipe path', () => {
  let upstream: Server;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    upstream = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    dir = mkdtempSync(join(tmpdir(), 'gatelab-log-file-'));
    config = join(dir, 'kong.yaml');
    writeFileSync(
      config,
      `_format_version: "3.0"\nservices:\n  - name: app\n    url: http://127.0.0.1:${(upstream.address() as AddressInfo).port}\n    routes:\n      - name: all\n        paths: ["/"]\n`,
    );
  });

  afterAll(async () => {
    upstream?.closeAllConnections();
    await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs the same lines, each whole, the last ones flushed at SIGTERM', async () => {
    const args = ['--config', config, '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--log', 'json'];
    // The pipe path.
    const piped = await startServe(args);
    const pipedPort = Number(/proxy on http:\/\/127\.0\.0\.1:(\d+)/.exec(piped.stderr())?.[1]);
    for (let i = 0; i < REQUESTS; i++) expect(await send(pipedPort, i)).toBe(200);
    expect(await piped.stop()).toBe(0);

    // The file path.
    const file = join(dir, 'access.log');
    const fd = openSync(file, 'w');
    const child = spawn(process.execPath, [join(ROOT, 'engine/cli/bin.mjs'), 'serve', ...args], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const deadline = Date.now() + 20_000;
    while (!err.includes('proxy on')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not start:\n${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const port = Number(/proxy on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1]);
    for (let i = 0; i < REQUESTS; i++) expect(await send(port, i)).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const fromFile = readFileSync(file);
    expect(fromFile[fromFile.length - 1]).toBe(0x0a);
    const fileLines = fromFile.toString('utf8').split('\n').slice(0, -1);
    const pipeLines = piped.stdout().split('\n').slice(0, -1);
    expect(fileLines).toHaveLength(REQUESTS);
    expect(fileLines.map(stable)).toEqual(pipeLines.map(stable));
    // The UTF-8 of a Latin-1 character, not the character's single byte.
    expect(fromFile.includes(Buffer.from('caf\u00e9', 'utf8'))).toBe(true);
  }, 60_000);
});
