/**
 * `gatelab attack` as a user runs it (issue #10 item 7): the boundary burst is found against Kong's
 * fixed window and its scenario file checks; the exact sliding log (semantics §1) survives the default
 * budget; usage and load errors exit 2 with a message saying what to type.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const BOUNDARY = 'scenarios/rate-limiting/boundary-burst.yaml';
const SLIDING_LOG = 'test/cli/fixtures/attack/sliding-log.yaml';
const CLAIM = ['--claim', 'max 100 per 60s'];

describe('gatelab attack', () => {
  it('finds the boundary burst against the fixed window, exits 1 and writes a scenario that checks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-attack-'));
    const out = join(dir, 'found.yaml');
    const r = gatelab(['attack', BOUNDARY, ...CLAIM, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/claim "max 100 per 60s", seed 7, budget 1000, evaluator fast/);
    const admitted = /busiest window \[[^)]+\): (\d+) admitted, the claim allows 100/.exec(r.stdout);
    expect(Number(admitted?.[1])).toBeGreaterThan(100);
    const size = Number(/shrunk in \d+ steps? to (\d+) requests/.exec(r.stdout)?.[1]);
    expect(size).toBeLessThanOrEqual(2 * 101);

    const text = readFileSync(out, 'utf8');
    expect(text).toContain('claim "max 100 per 60s" broken');
    const check = gatelab(['check', out]);
    expect(check.stdout).toContain('1 passed, 0 failed');
    expect(check.status).toBe(0);
  }, 240_000);

  it('prints the scenario on stdout and the summary on stderr without --out, with the seed given', () => {
    const r = gatelab(['attack', BOUNDARY, ...CLAIM, '--seed', '42', '--runs', '200']);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^# yaml-language-server: \$schema=engine\/scenario\/scenario\.schema\.json$/);
    expect(r.stderr).toMatch(/seed 42, budget 200/);
  }, 240_000);

  it('finds no counterexample against the exact sliding log within the default budget, exit 0', () => {
    const r = gatelab(['attack', SLIDING_LOG, ...CLAIM]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no counterexample in 1000 schedules/);
    expect(r.status).toBe(0);
  }, 240_000);

  it('usage and load errors exit 2 and say what to do', () => {
    const noClaim = gatelab(['attack', BOUNDARY]);
    expect(noClaim.status).toBe(2);
    expect(noClaim.stderr).toContain('--claim "max 100 per 60s"');
    const badClaim = gatelab(['attack', BOUNDARY, '--claim', 'max 100 per 60']);
    expect(badClaim.status).toBe(2);
    expect(badClaim.stderr).toContain("GL_E_USAGE: the claim's window '60' is not a Go duration");
    const badClient = gatelab(['attack', BOUNDARY, ...CLAIM, '--client', 'ghost']);
    expect(badClient.status).toBe(2);
    expect(badClient.stderr).toMatch(/boundary-burst\.yaml:\d+:\d+: error GL_E_USAGE: no client 'ghost'.*its clients are: burster/);
    const badRuns = gatelab(['attack', BOUNDARY, ...CLAIM, '--runs', 'lots']);
    expect(badRuns.status).toBe(2);
    expect(badRuns.stderr).toContain('--runs takes a whole number');
    const missing = gatelab(['attack', 'nowhere.yaml', ...CLAIM]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('GL_E_FILE');
  }, 120_000);
});
