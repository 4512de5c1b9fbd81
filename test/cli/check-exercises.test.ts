/**
 * `gatelab check exercises/`: every exercise's reference holds when run (exit 0), and a broken copy
 * fails with the reason and the run's evidence (exit 1), or does not load (exit 2).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.ts';

const BIN = join(ROOT, 'engine', 'cli', 'bin.mjs');

/** The real binary, asynchronously: grading the diagnosis runs six variants of a 3,000-request run. */
function check(args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'check', ...args], { cwd: ROOT });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout }));
  });
}

/** A copy of one exercise in a fresh temp folder, with `edit` applied to one of its files. */
function brokenCopy(id: string, name: string, edit: (text: string) => string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'gatelab-exercise-')), id);
  cpSync(join(ROOT, 'exercises', id), dir, { recursive: true });
  const path = join(dir, name);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  return dir;
}

describe('gatelab check exercises/', () => {
  it('passes every exercise (answers, the design both ways, the diagnosis fixes) and every flashcard deck', async () => {
    const r = await check(['exercises/']);
    for (const deck of ['01-gateways', '02-rate-limiting-and-resilience', '03-operations']) {
      expect(r.stdout).toMatch(new RegExp(`PASS exercises/flashcards/${deck}\\.yaml \\(5 flashcards, each link shows its answer\\)`));
    }
    expect(r.stdout).toContain('PASS exercises/01-read-a-config/exercise.yaml (3 stored answers match their runs)');
    expect(r.stdout).toContain('starter fails paid-tier, canary, no-debug-header as stated');
    expect(r.stdout).toMatch(/PASS exercises\/03-diagnose-the-bottleneck\/exercise\.yaml \(right choices help, wrong ones do not/);
    expect(r.stdout).toMatch(/^6 passed, 0 failed$/m);
    expect(r.status).toBe(0);
  }, 600_000);

  it('exits 1 on a deck whose factual card links to a heading that does not exist', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gatelab-deck-'));
    mkdirSync(join(root, 'docs'));
    mkdirSync(join(root, 'exercises', 'flashcards'), { recursive: true });
    writeFileSync(join(root, 'docs', 'facts.md'), '# Facts\n\n## Kong is built on OpenResty\n');
    const deck = (anchor: string): string =>
      [
        '# yaml-language-server: $schema=../../engine/exercises/flashcards.schema.json',
        'set: 1',
        'title: A test deck',
        'cards:',
        '  - id: kong-built-on',
        '    kind: fact',
        '    question: What is Kong built on?',
        '    answer: nginx and OpenResty.',
        `    link: { doc: docs/facts.md#${anchor} }`,
        '',
      ].join('\n');
    writeFileSync(join(root, 'exercises', 'flashcards', 'deck.yaml'), deck('kong-is-built-on-openresty'));
    const good = await check([join(root, 'exercises')]);
    expect(good.stdout).toMatch(/PASS .*deck\.yaml \(1 flashcards, each link shows its answer\)/);
    expect(good.status).toBe(0);
    writeFileSync(join(root, 'exercises', 'flashcards', 'deck.yaml'), deck('kong-is-built-on-lua'));
    const bad = await check([join(root, 'exercises')]);
    expect(bad.stdout).toMatch(/FAIL .*deck\.yaml \(0 of 1 flashcards hold\)/);
    expect(bad.stdout).toMatch(/deck\.yaml:9:\d+: card kong-built-on: .*kong-is-built-on-lua/);
    expect(bad.status).toBe(1);
  }, 120_000);

  it('exits 1 on a copy whose stored answer the run contradicts, naming the true value', async () => {
    const dir = brokenCopy('01-read-a-config', 'exercise.yaml', (t) => t.replace('answer: 600', 'answer: 200'));
    const r = await check([dir]);
    expect(r.stdout).toMatch(/question local-limit-three-replicas: the stored answer is '200', the run gives '600' \(600 of 900 requests/);
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
    expect(r.status).toBe(1);
  }, 300_000);

  it('exits 1 when the starter meets a requirement it is said to fail', async () => {
    const dir = brokenCopy('02-design-a-strategy', 'starter.yaml', () => readFileSync(join(ROOT, 'exercises', '02-design-a-strategy', 'solution.yaml'), 'utf8'));
    const r = await check([dir]);
    expect(r.stdout).toMatch(/the starter should fail paid-tier \(One rate-limiting plugin/);
    expect(r.status).toBe(1);
  }, 300_000);

  it('exits 2 when an exercise does not load, with file:line:column', async () => {
    const dir = brokenCopy('01-read-a-config', 'exercise.yaml', (t) => t.replace('input: { type: path }', 'input: { type: paht }'));
    const r = await check([dir]);
    expect(r.stdout).toMatch(/exercise\.yaml:\d+:\d+: error GL_E_SCHEMA: 'paht' is not a valid type/);
    expect(r.status).toBe(2);
  }, 120_000);
});
