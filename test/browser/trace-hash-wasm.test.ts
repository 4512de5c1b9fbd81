/**
 * The lab's worker hashes every run with hash-wasm (docs/adr/0002), here a scenario opened from a
 * file: its trace hash must still equal the CLI's. A copy of boundary-burst, opened through "Open your
 * own scenario file", runs the same as the bundled file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { cliHashes, openPage, pageErrors, sharedBrowser, traceHashesOf, waitForRuns } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const FILE = 'scenarios/rate-limiting/boundary-burst.yaml';
const title = chromiumPath ? 'the wasm trace hash in Chromium' : 'the wasm trace hash in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('a scenario opened from a file hashes with hash-wasm to the CLI\'s trace hash', async () => {
    const cli = cliHashes(FILE);
    const base = cli.variants[0];
    expect(base?.name).toBe('base');
    const page = await openPage(browser);
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(r.url()));
    await page.goto(labUrl);
    await page.getByTestId('scenario-boundary-burst').waitFor({ timeout: 60_000 });
    await page.getByTestId('open-file').setInputFiles({ name: 'boundary-burst.yaml', mimeType: 'application/yaml', buffer: Buffer.from(readFileSync(FILE, 'utf8')) });
    await waitForRuns(page, ['base']);
    await expect(traceHashesOf(page, 'base')).resolves.toEqual({ traceHash: base?.traceHash, traceFileSha256: base?.traceFileSha256 });
    // The chunk holding hash-wasm's SHA-256 module (base64 of '\0asm' starts 'AGFzbQ') was fetched:
    // nothing else in the lab embeds WebAssembly, so the wasm path ran.
    const chunks = await Promise.all(fetched.filter((u) => u.startsWith(labUrl) && u.endsWith('.js')).map(async (u) => (await fetch(u)).text()));
    expect(chunks.some((text) => text.includes('AGFzbQ'))).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });
});
