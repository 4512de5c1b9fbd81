// @vitest-environment node
/**
 * Scenario texts are fetched on demand: a scenario's run must find every config file and overlay its
 * base and variants name, and nothing the message does not need is fetched.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_FILES, fetchScenarioFiles, prepareFiles, shippedPaths } from './scenario-files.ts';

const KONG = 'scenarios/routing/kong-snippets.yaml';

describe('scenario files fetched on demand', () => {
  it('ships every file under scenarios/ and starts with none fetched', async () => {
    expect(shippedPaths()).toContain('scenarios/rate-limiting/boundary-burst.yaml');
    expect(shippedPaths().every((p) => p.startsWith('scenarios/'))).toBe(true);
    await prepareFiles({ type: 'catalog', runId: 1 });
    expect(BUNDLED_FILES.size).toBe(0);
  });

  it('fetches a scenario and every file its variants read, overlays included', async () => {
    await prepareFiles({ type: 'run', runId: 2, scenarioFile: KONG, variant: 'base', level: 'summary' });
    expect(BUNDLED_FILES.get(KONG)).toBe(readFileSync(KONG, 'utf8'));
    // Named only in variants (files and overlays), so discovery must see past the base.
    for (const p of ['kong-01-catalog-service.yaml', 'kong-01-consumer-overlay.yaml', 'kong-15-real-ip-plugin.yaml']) {
      expect(BUNDLED_FILES.get(`scenarios/routing/configs/${p}`), p).toBe(readFileSync(`scenarios/routing/configs/${p}`, 'utf8'));
    }
    expect(BUNDLED_FILES.has('scenarios/rate-limiting/boundary-burst.yaml')).toBe(false);
  });

  it('follows an edited text to the files it names, and ignores paths the lab does not ship', async () => {
    const text = readFileSync('scenarios/rate-limiting/boundary-burst.yaml', 'utf8');
    await fetchScenarioFiles('scenarios/mine.yaml', text, { 'scenarios/mine.yaml': text });
    expect(BUNDLED_FILES.has('scenarios/mine.yaml')).toBe(false);
    await prepareFiles({ type: 'read', runId: 3, paths: ['scenarios/auth/jwt-claims.yaml', 'scenarios/none.yaml'] });
    expect(BUNDLED_FILES.has('scenarios/auth/jwt-claims.yaml')).toBe(true);
    expect(BUNDLED_FILES.has('scenarios/none.yaml')).toBe(false);
  });
});
