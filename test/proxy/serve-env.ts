/** Starts `gatelab serve` with extra environment variables (e.g. GATELAB_SERVE=source|bundle). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/cli.ts';

export interface EnvServe {
  stdout(): string;
  stop(): Promise<number | null>;
}

export async function startServeWith(env: Record<string, string>, args: string[], timeoutMs = 60_000): Promise<EnvServe> {
  const child = spawn(process.execPath, [join(ROOT, 'engine/cli/bin.mjs'), 'serve', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!err.includes('gatelab serve: proxy on')) {
    if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}) before listening:\n${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`serve did not listen within ${timeoutMs} ms:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    stdout: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
