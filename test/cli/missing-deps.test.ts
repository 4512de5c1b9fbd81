/**
 * `gatelab` on a fresh clone, before anything is installed: the entry point says what to run instead
 * of printing Node's stack trace about a missing package.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// A copy of the entry point where no node_modules can be found above it.
const root = mkdtempSync(join(tmpdir(), 'gatelab-fresh-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'engine/cli'), { recursive: true });
copyFileSync('engine/cli/bin.mjs', join(root, 'engine/cli/bin.mjs'));

describe('gatelab before npm install', () => {
  it('exits 2 and says to run npm install, with no stack trace', () => {
    const r = spawnSync(process.execPath, [join(root, 'engine/cli/bin.mjs'), 'check', 'scenarios'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('gatelab: its dependencies are not installed (tsx is missing)');
    expect(r.stderr).toContain('Run "npm install"');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
  });
});
