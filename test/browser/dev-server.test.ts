/**
 * `npm run dev` (the Vite dev server, not the static build the other browser tests use) serves a lab
 * that works: the catalog arrives, a scenario opens and its runs finish with the CLI's trace hashes.
 * The dev server compiles modules on request, so a plugin that only works in a build (the catalog's
 * once could not be resolved in dev) breaks only here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliHashes, labTitle, openPage, pageErrors, sharedBrowser, traceHashesOf, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Resolves once Vite prints its address; rejects with its output if it exits or takes over 60 s. */
async function startDevServer(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'lab-ui/vite.config.ts', '--port', String(port), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Under CI=true Vite colours its output even into a pipe, which splits the address with escapes.
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // A server that never reports its address is stopped here: afterAll only knows a started one.
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`vite dev did not start in 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.replace(/\x1b\[[0-9;]*m/g, '').includes(`127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${port}/` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vite dev exited with ${code}:\n${output}`));
    });
  });
}

describe.skipIf(!chromiumPath)(labTitle(chromiumPath, 'the dev server (npm run dev)'), () => {
  const browser = sharedBrowser(chromiumPath);
  let dev: { child: ChildProcess; url: string } | undefined;

  beforeAll(async () => {
    dev = await startDevServer(await freePort());
  }, 90_000);
  afterAll(() => {
    dev?.child.kill();
  });

  it('serves the catalog and runs boundary-burst with the CLI trace hashes', async () => {
    const cli = cliHashes('scenarios/rate-limiting/boundary-burst.yaml');
    const page = await openPage(browser);
    await page.goto(dev!.url);
    await page.getByTestId('scenario-boundary-burst').click({ timeout: 90_000 });
    await waitForRuns(page, cli.variants.map((v) => v.name));
    for (const v of cli.variants) expect(await traceHashesOf(page, v.name), v.name).toEqual({ traceHash: v.traceHash, traceFileSha256: v.traceFileSha256 });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 180_000);
});
