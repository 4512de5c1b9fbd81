/**
 * What the lab draws of what the engine knows, in Chromium (issue #4): a mirror's copies as their own
 * dots travelling to the mirror backend (Gateway API RequestMirror, ../shared/semantics.md §7: fire
 * and forget, the answer thrown away), the canary's weight along the rollout timeline (a ramp keeps
 * the status `progressing` and moves only the weight), and state diagrams whose arrow labels do not
 * overlap.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { labTitle, openAt, overlaps, pageErrors, screenshot, scrub, sharedBrowser, type Box } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = labTitle(chromiumPath, 'mirror copies, canary weights and state diagrams as the lab draws them');

const contains = (outer: Box, x: number, y: number): boolean => x >= outer.left && x <= outer.right && y >= outer.top && y <= outer.bottom;

/** The drawn boxes of a rendered mermaid diagram's non-empty arrow labels and of its state boxes. */
async function diagramBoxes(page: Page): Promise<{ labels: Array<Box & { text: string }>; nodes: Box[] }> {
  return page.locator('[data-testid="machine-diagram"] svg').first().evaluate((svg) => {
    const box = (e: Element): Box => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    // Mermaid keeps an empty label group for arrows without a label (the start and end arrows).
    const labels = [...svg.querySelectorAll('g.edgeLabel')]
      .map((g) => ({ ...box(g), text: [...g.childNodes].filter((n) => n.nodeName !== 'title').map((n) => n.textContent ?? '').join('').trim() }))
      .filter((b) => b.text !== '' && b.right > b.left);
    const nodes = [...svg.querySelectorAll('g.node')].map(box);
    return { labels, nodes };
  });
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  const open = (hash: string): Promise<Page> => openAt(browser, `${labUrl}${hash}`, ['base']);

  it('draws each mirror copy as a hollow dashed dot at the canary, coloured by its own answer, and a click opens the request it was copied from (§7)', async () => {
    // 12:00:12.150: the canary is saturated by the copies (4 workers, 4 waiting); shoppers are long answered.
    const page = await open('#s=shadow-traffic&v=base&t=12150&tab=inspector');
    await expect(page.getByTestId('inspector-headline').count()).resolves.toBe(0);
    const panel = page.getByTestId('panel-base');
    const copies = panel.getByTestId('copy-dot');
    await copies.first().waitFor();
    const drawn = await copies.evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        const s = getComputedStyle(e);
        return { req: e.getAttribute('data-req'), service: e.getAttribute('data-service'), outcome: e.getAttribute('data-outcome'), x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2, fill: s.fill, dash: s.strokeDasharray, stroke: s.stroke };
      }));
    expect(drawn.length).toBeGreaterThan(4);
    for (const d of drawn) {
      expect(d.service).toBe('catalog-canary');
      expect(d.req).toMatch(/^shoppers-\d+$/);
      // Hollow and dashed: never read as a request dot.
      expect(d.fill).toBe('rgb(255, 255, 255)');
      expect(d.dash).not.toBe('none');
    }
    // The requests themselves are filled and solid.
    const request = await panel.locator('g.dots circle:not(.copy)').first().evaluate((e) => ({ fill: getComputedStyle(e).fill, dash: getComputedStyle(e).strokeDasharray }));
    expect(request.fill).not.toBe('rgb(255, 255, 255)');
    expect(request.dash).toBe('none');
    // The copies that arrived sit in the canary's node, not at the stable backend the shoppers got.
    const canary = await panel.locator('g.node.backend').filter({ hasText: 'catalog-cana' }).locator('rect').first().evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    expect(drawn.filter((d) => contains(canary, d.x, d.y)).length).toBeGreaterThan(4);
    // Ended copies carry their own outcome: answered (203) or refused by the full canary.
    const outcomes = new Set(drawn.map((d) => d.outcome));
    expect([...outcomes].some((o) => o !== 'in-flight')).toBe(true);
    const colourOf = Object.fromEntries(drawn.map((d) => [d.outcome, d.stroke]));
    if (colourOf['ok'] && colourOf['in-flight']) expect(colourOf['ok']).not.toBe(colourOf['in-flight']);
    await expect(page.getByTestId('copy-legend').textContent()).resolves.toMatch(/a client request\s+a mirror copy/);
    await panel.locator('figure.topology').screenshot({ path: 'test/artifacts/lab-drawing-mirror-copies.png' });

    // Clicking a copy selects the shopper request it was copied from.
    const target = drawn.find((d) => d.outcome !== 'in-flight') ?? drawn[0]!;
    await copies.and(page.locator(`[data-req="${target.req}"]`)).first().dispatchEvent('click');
    await expect.poll(() => page.getByTestId('inspector').textContent()).toContain(` ${target.req} `);
    // The shopper was served by catalog-stable; the copy is listed beside it, its answer ignored.
    await expect(page.getByTestId('inspector-headline').textContent()).resolves.toMatch(/^200 from the backend/);
    await expect(page.getByTestId('inspector-copy').count()).resolves.toBe(1);
    await screenshot(page, 'lab-drawing-mirror-selected', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('shows the canary’s weight along the rollout: 10 → 25 → 50 %, then 0 % after the rollback (canary-ramp)', async () => {
    const page = await open('#s=canary-ramp&v=base&t=45000');
    const row = page.getByTestId('machines-base').locator('[data-testid="machine-row"][data-machine="canary-rollout"]');
    await row.waitFor();
    await expect(row.getAttribute('data-state')).resolves.toBe('progressing');
    await expect(row.getByTestId('machine-weight').textContent()).resolves.toBe('25 %');
    // Drawn up to the cursor only: the 50 % step of 12:01:00 is not there yet.
    await expect(row.getByTestId('machine-weight-step').evaluateAll((els) => els.map((e) => e.textContent))).resolves.toEqual(['10 %', '25 %']);

    await scrub(page, 100_000);
    await expect.poll(() => row.getAttribute('data-state')).toBe('rolledBack');
    await expect(row.getByTestId('machine-weight').textContent()).resolves.toBe('0 %');
    const steps = await row.getByTestId('machine-weight-step').evaluateAll((els) =>
      els.map((e) => ({ text: e.textContent, from: Number(e.getAttribute('data-from')), shown: e.getAttribute('visibility') !== 'hidden', y: e.getBoundingClientRect().top })));
    expect(steps.map((s) => s.text)).toEqual(['10 %', '25 %', '50 %', '0 %']);
    expect(steps.slice(0, 3).map((s) => s.from)).toEqual([0, 30_000, 60_000]);
    expect(steps[3]!.from).toBeGreaterThan(70_000);
    expect(steps.every((s) => s.shown)).toBe(true);
    // Higher weight, higher label: the step chart reads as a ramp and a drop.
    expect(steps[1]!.y).toBeLessThan(steps[0]!.y);
    expect(steps[2]!.y).toBeLessThan(steps[1]!.y);
    expect(steps[3]!.y).toBeGreaterThan(steps[2]!.y);
    await page.getByTestId('machines-base').screenshot({ path: 'test/artifacts/lab-drawing-canary-weights.png' });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  for (const [name, hash, state, minLabels] of [
    ['canary rollout (canary-ramp)', '#s=canary-ramp&v=base&t=40000&tab=machines', 'progressing', 6],
    ['circuit breaker (circuit-breaker-states)', '#s=circuit-breaker-states&v=base&t=25000&tab=machines', 'OPEN', 4],
  ] as const) {
    it(`draws the ${name} state diagram with no two arrow labels overlapping, nor a label over a state`, async () => {
      const page = await open(hash);
      await page.locator(`[data-testid="machine-diagram"][data-state="${state}"] svg`).waitFor({ timeout: 30_000 });
      const { labels, nodes } = await diagramBoxes(page);
      expect(labels.length).toBeGreaterThanOrEqual(minLabels);
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          expect(overlaps(labels[i]!, labels[j]!), `"${labels[i]!.text}" over "${labels[j]!.text}"`).toBe(false);
        }
        for (const n of nodes) expect(overlaps(labels[i]!, n), `"${labels[i]!.text}" over a state`).toBe(false);
      }
      // The detail behind each short label: on hover, and in the table under the diagram.
      const titles = await page.locator('[data-testid="machine-diagram"] g.edgeLabel > title').allTextContents();
      expect(titles.length).toBe(labels.length);
      expect(titles.join('\n')).toMatch(/checked on /);
      await expect(page.getByTestId('machine-arrows').locator('tr').count()).resolves.toBe(labels.length);
      await page.getByTestId('machine-diagram').screenshot({ path: `test/artifacts/lab-drawing-diagram-${state.toLowerCase()}.png` });
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    });
  }
});
