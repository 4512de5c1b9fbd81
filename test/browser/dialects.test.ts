/**
 * Every gateway dialect still opens in the lab now that the engine worker fetches a dialect's adapter
 * only for a scenario that needs it (engine/config/adapter-registry.ts): one scenario per dialect,
 * opened from its card in the catalog, each variant's run checked against the CLI's trace hash and its
 * counters read at the end of the scenario.
 */
import { describe, expect, inject, it } from 'vitest';
import { cliHashes, labTitle, openPage, pageErrors, scrub, sharedBrowser, traceHashesOf, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');

/** Small scenarios, one per dialect; header-routing switches dialect per variant. */
const CASES = [
  { dialects: 'Kong', file: 'scenarios/auth/auth-at-the-edge.yaml' },
  { dialects: 'Gateway API with an Istio DestinationRule', file: 'scenarios/resilience/outlier-ejection.yaml' },
  { dialects: 'ingress-nginx', file: 'scenarios/routing/ingress-limit-rps.yaml' },
  { dialects: 'Traefik, with config reloads', file: 'scenarios/routing/traefik-discovery.yaml' },
  { dialects: 'the native IR', file: 'scenarios/rate-limiting/token-bucket-flavours.yaml' },
  { dialects: 'Gateway API, Traefik and ingress-nginx, one per variant', file: 'scenarios/routing/header-routing.yaml' },
];


describe.skipIf(!chromiumPath)(labTitle(chromiumPath, 'every gateway dialect opens in the lab'), () => {
  const browser = sharedBrowser(chromiumPath);

  it.each(CASES)('$dialects ($file): opened from its card, every run matches the CLI', async ({ file }) => {
    const cli = cliHashes(file);
    const variants = cli.variants.map((v) => v.name);
    const page = await openPage(browser);
    await page.goto(labUrl);
    await page.getByTestId(`scenario-${cli.scenario}`).click();
    await waitForRuns(page, variants);
    for (const v of cli.variants) expect(await traceHashesOf(page, v.name), v.name).toEqual({ traceHash: v.traceHash, traceFileSha256: v.traceFileSha256 });
    // At the end of the scenario every panel has counted its requests.
    const durationMs = Number(await page.getByTestId('scrubber').getAttribute('max'));
    expect(durationMs).toBeGreaterThan(0);
    await scrub(page, durationMs);
    for (const v of cli.variants) {
      const arrived = Number((await page.getByTestId(`arrived-${v.name}`).textContent())?.replace(/,/g, ''));
      expect(arrived, v.name).toBeGreaterThan(0);
      expect(arrived, v.name).toBeLessThanOrEqual(v.requests);
    }
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
