/**
 * `npm run bench` and `npm run bench:proxy` answer `--help` with their usage and refuse an unknown
 * `--only=` section with one line and exit 2, before measuring anything (test/bench/bench-args.ts).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bench = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 60_000 });

describe.each([
  ['test/bench/run.ts', 'war-story'],
  ['test/bench/proxy/run.ts', 'throughput'],
])('%s', (script, section) => {
  it('--help prints the usage, naming every section, and exits 0', () => {
    const r = bench(script, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--only=NAME');
    expect(r.stdout).toContain(section);
  });
  it('an unknown --only section is a one-line usage error with exit 2, not a stack trace', () => {
    const r = bench(script, '--only=nope');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^GL_E_BENCH_ARGS: --only takes one of .*\bnot 'nope' \(--help lists the options\)$/);
    expect(r.stdout).toBe('');
  });
});
