/** Starts `gatelab serve` as a child process, as a user would, and waits until it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

export interface ServeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

/** `startTimeoutMs`: how long to wait for the listening line (default 20 s; a cluster starts N+1 processes). */
export async function startServe(args: string[], startTimeoutMs?: number): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'engine/cli/bin.mjs'), 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForStderr = async (text: string, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!err.includes(text)) {
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}) before "${text}":\n${err}`);
      if (Date.now() > deadline) throw new Error(`serve did not print "${text}" within ${timeoutMs} ms:\n${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const proc: ServeProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  await waitForStderr('gatelab serve: proxy on', startTimeoutMs);
  return proc;
}
