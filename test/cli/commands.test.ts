/** The CLI contract of issue 2: run's summary and JSON, check's closing line and exit codes. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatelab } from '../support/cli.ts';

const F = 'test/cli/fixtures';

describe('gatelab run', () => {
  it('prints a per-client summary: sent, admitted, rejected by status, p50/p99', () => {
    const r = gatelab(['run', `${F}/good.yaml`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/c\s+5\s+3\s+2×429\s+5ms\s+5ms/);
  });

  it('--json prints one object with variants, their trace hashes and a top-level hash', () => {
    const r = gatelab(['run', `${F}/good.yaml`, '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.variants).toHaveLength(1);
    expect(out.variants[0]).toMatchObject({ name: 'base', requests: 5 });
    expect(out.variants[0].traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.variants[0].clients[0]).toMatchObject({ client: 'c', sent: 5, admitted: 3, rejected: { '429': 2 } });
  });

  it('the same seed gives the same hash; another seed may differ only through randomness', () => {
    const a = JSON.parse(gatelab(['run', `${F}/good.yaml`, '--json', '--seed', '5']).stdout);
    const b = JSON.parse(gatelab(['run', `${F}/good.yaml`, '--json', '--seed', '5']).stdout);
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.seed).toBe(5);
  });

  it('--trace writes JSON lines that hash to the reported traceHash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-trace-'));
    const file = join(dir, 't.jsonl');
    const r = gatelab(['run', `${F}/good.yaml`, '--json', '--trace', file, '--level', 'full']);
    const text = readFileSync(file, 'utf8');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(text).digest('hex')).toBe(JSON.parse(r.stdout).variants[0].traceHash);
    expect(text.split('\n').filter(Boolean).every((l) => typeof JSON.parse(l).type === 'string')).toBe(true);
  });

  it('an unknown variant is a usage error naming the variants there are', () => {
    const r = gatelab(['run', 'scenarios/rate-limiting/boundary-burst.yaml', '--variant', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('base');
  });
});

describe('gatelab check', () => {
  // A folder of shipped scenarios, not all of them: `npm test` runs the full `gatelab check` itself,
  // and the capacity scenarios alone take tens of seconds.
  it('passes a folder of shipped scenarios and ends with the closing line', () => {
    const r = gatelab(['check', 'scenarios/rate-limiting']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(r.stdout).toContain('PASS scenarios/rate-limiting/boundary-burst.yaml');
  });

  it('a failing expectation shows expected vs actual and exits 1', () => {
    const r = gatelab(['check', `${F}/failing.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${F}/failing.yaml:25:5: count of client c status 200 in [0s, end): expected 5, got 3`);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('counts passes and failures across several files', () => {
    const r = gatelab(['check', `${F}/good.yaml`, `${F}/failing.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });
});
