/** The CLI contract of issue 2: run's summary and JSON, check's closing line and exit codes. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  // Since issue #9 traceHash is the structural compact hash: the file's bytes have their own digest.
  it('--trace writes JSON lines whose SHA-256 is traceFileSha256, and `trace hash FILE` prints traceHash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-trace-'));
    const file = join(dir, 't.jsonl');
    const r = gatelab(['run', `${F}/good.yaml`, '--json', '--trace', file, '--level', 'full']);
    expect(r.status).toBe(0);
    const variant = JSON.parse(r.stdout).variants[0];
    const bytes = readFileSync(file);
    const { createHash } = await import('node:crypto');
    expect(variant.traceFileSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(variant.traceFileSha256).not.toBe(variant.traceHash);
    const text = bytes.toString('utf8');
    expect(text.split('\n').filter(Boolean).every((l) => typeof JSON.parse(l).type === 'string')).toBe(true);
    const h = gatelab(['trace', 'hash', file]);
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toBe(`${variant.traceHash}  ${file}\n`);
    // Without --json the summary names each file and its SHA-256 too.
    const plain = gatelab(['run', `${F}/good.yaml`, '--trace', file, '--level', 'full']);
    expect(plain.stdout).toContain(`trace file ${file}  sha256 ${variant.traceFileSha256}`);
  });

  it('`trace hash` re-hashes every variant\'s file to its traceHash, whatever the file\'s formatting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-trace-'));
    const file = join(dir, 'bb.jsonl');
    const r = gatelab(['run', 'scenarios/rate-limiting/boundary-burst.yaml', '--json', '--trace', file]);
    expect(r.status).toBe(0);
    const variants = JSON.parse(r.stdout).variants as { name: string; traceHash: string; traceFile: string }[];
    expect(variants.length).toBeGreaterThan(1);
    const h = gatelab(['trace', 'hash', ...variants.map((v) => v.traceFile)]);
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toBe(variants.map((v) => `${v.traceHash}  ${v.traceFile}\n`).join(''));
    // The digest depends on the values: the same events re-serialised (indented, CRLF) hash the same.
    const first = variants[0]!;
    const other = join(dir, 'reformatted.jsonl');
    const lines = readFileSync(first.traceFile, 'utf8').split('\n').filter(Boolean);
    writeFileSync(other, lines.map((l) => JSON.stringify(JSON.parse(l), null, 0).replace(/^\{/, '{ ')).join('\r\n'));
    expect(gatelab(['trace', 'hash', other]).stdout).toBe(`${first.traceHash}  ${other}\n`);
  });

  it('`trace hash` names the file, line and column of a line that is not a trace event, without a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-trace-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"type":"run.end","t":1,"requests":0}\n{"type": "x" "t": 2}\n');
    const r = gatelab(['trace', 'hash', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.\\/]/g, '\\$&')}:2:14: not JSON \\(.+\\)`));
    expect(r.stderr).toContain('gatelab run --trace');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    writeFileSync(file, '{"type":"run.end","t":1,"requests":0}\n[1, 2]\n');
    expect(gatelab(['trace', 'hash', file]).stderr).toContain(`${file}:2: not a trace event`);
    const missing = gatelab(['trace', 'hash', join(dir, 'none.jsonl')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read');
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
