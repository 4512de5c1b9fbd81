/**
 * `gatelab serve` names the process to signal on its listening line. Started as `npx gatelab serve`,
 * the PID a user finds first is npm's, and npm ends on SIGHUP/SIGTERM without passing them on (the
 * proxy kept running with its port held); the printed pid is the one whose SIGHUP reloads and whose
 * SIGTERM drains. docs/cli.md, serve.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { ROOT } from '../support/cli.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';

const CONFIG = join(ROOT, 'test/cli/fixtures/orders-kong.yaml');
const PID_LINE = /^gatelab serve: proxy on http:\/\/127\.0\.0\.1:\d+.*, admin on http:\/\/127\.0\.0\.1:\d+, pid (\d+) \(SIGHUP reloads, SIGTERM drains\)$/m;

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

async function serve(extra: string[], startTimeoutMs?: number): Promise<{ proc: ServeProcess; pid: number }> {
  const args = ['--config', CONFIG, '--listen', `127.0.0.1:${await freePort()}`, '--admin', `127.0.0.1:${await freePort()}`, ...extra];
  const proc = await startServe(args, startTimeoutMs);
  running.push(proc);
  const match = PID_LINE.exec(proc.stderr());
  expect(match, proc.stderr()).not.toBeNull();
  return { proc, pid: Number(match![1]) };
}

describe('gatelab serve: the listening line names the pid to signal', () => {
  it('prints its own pid; SIGHUP to that pid reloads and SIGTERM drains and exits 0', { timeout: 60_000 }, async () => {
    const { proc, pid } = await serve([]);
    expect(pid).toBe(proc.child.pid);
    process.kill(pid, 'SIGHUP');
    await proc.waitForStderr('gatelab serve: SIGHUP: config reloaded');
    process.kill(pid, 'SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.stderr()).toContain('gatelab serve: stopped');
  });

  it('with --workers, prints the primary pid, which passes SIGTERM on to every worker', { timeout: 120_000 }, async () => {
    const { proc, pid } = await serve(['--workers', '2'], 60_000);
    expect(pid).toBe(proc.child.pid);
    expect(proc.stderr()).toContain('(2 workers)');
    process.kill(pid, 'SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
