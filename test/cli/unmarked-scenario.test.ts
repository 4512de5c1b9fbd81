/**
 * A scenario written without the schema modeline: folder scans go by the modeline, so `check` of a
 * folder used to skip such a file without a word (a green CI that checked nothing), and `lint` of the
 * file itself took it for a vendor config. Both now recognise it by its top-level keys and say how to
 * add the modeline.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { looksLikeScenarioText } from '../../engine/cli/io.ts';
import { gatelab } from '../support/cli.ts';

const SOURCE = 'scenarios/routing/proxy-lb-gateway.yaml';
const dir = mkdtempSync(join(tmpdir(), 'gatelab-unmarked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a shipped scenario without its modeline, with its config paths pointing back at the repo. */
function unmarkedCopy(): string {
  const text = readFileSync(SOURCE, 'utf8')
    .split('\n')
    .filter((l) => !l.includes('yaml-language-server'))
    .join('\n')
    .replaceAll('configs/', `${process.cwd()}/scenarios/routing/configs/`);
  const sub = join(dir, 'mine');
  mkdirSync(sub, { recursive: true });
  const file = join(sub, 'no-modeline.yaml');
  writeFileSync(file, text);
  return file;
}

describe('a scenario without the modeline', () => {
  const file = unmarkedCopy();

  it('check of its folder checks it and warns, instead of skipping it', () => {
    const r = gatelab(['check', dir]);
    expect(r.stdout).toMatch(/WARN .*no-modeline\.yaml: looks like a scenario but has no schema modeline/);
    expect(r.stdout).toContain('$schema=');
    expect(r.stdout).toMatch(/PASS .*no-modeline\.yaml/);
    expect(r.stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(r.status).toBe(0);
  });

  it('lint of the file lints it as a scenario, with a warning at 1:1 that says what to add', () => {
    const r = gatelab(['lint', file]);
    expect(r.stdout).not.toContain('GL_E_CONFIG_FORMAT');
    expect(r.stdout).toMatch(/no-modeline\.yaml:1:1: warning GL_W_SCENARIO_MODELINE: .*looks like a scenario/);
    expect(r.status).toBe(0);
  });

  it('vendor configs and scenario files with the modeline are not taken for unmarked scenarios', () => {
    expect(looksLikeScenarioText(readFileSync('scenarios/routing/configs/kong-01-catalog-service.yaml', 'utf8'))).toBe(false);
    expect(looksLikeScenarioText(readFileSync('scenarios/routing/configs/traefik-02-ingressroute-canary.yaml', 'utf8'))).toBe(false);
    expect(looksLikeScenarioText('clients:\n  - id: a\nbackends: []\n')).toBe(true);
    expect(looksLikeScenarioText('apiVersion: v1\nclients:\nbackends:\n')).toBe(false);
  });
});
