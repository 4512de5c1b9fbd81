/**
 * Bytes per tracked rate-limit key: spawns ./memory-keys-child.ts with --expose-gc, which fills the
 * rate-limiting plugin's local store with distinct IPv4 clients and weighs the heap after GC.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './peers.ts';

export function bytesPerKey(keys: number): void {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join('test', 'bench', 'proxy', 'memory-keys-child.ts'), String(keys)], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 300_000,
  });
  if (child.status !== 0) console.log(`keys memory bench failed (status ${child.status ?? child.signal})`);
}
