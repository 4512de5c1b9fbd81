/**
 * The exercises mode in real Chromium against the built lab. Exercise 1: one wrong answer first (its
 * verdict shows the value the run produced and the request that shows it), then all three right and
 * the exercise marked passed. Exercise 2: the starter misses exactly the requirements the exercise
 * says it misses; pasted into the editor, the reference solution meets them all; a reload finds the
 * draft still there. Exercise 3 as a student walks it: the dashboard, then each question answered
 * wrongly first (the verdict says why, a fix's run beside the base) and then rightly, and the exercise
 * marked passed only once all three are right.
 * axe on each view; screenshots in test/artifacts.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { loadExercise } from '../../engine/exercises/exercise-load.ts';
import { openPage, pageErrors, screenshot, seriousViolations, sharedBrowser } from './harness.ts';

const chromiumPath = inject('chromium');
const labUrl = inject('labUrl');
const title = chromiumPath ? 'exercises in Chromium' : 'exercises in Chromium — skipped: no chromium on PATH (.ci/run installs it)';

// What exercise 2 promises, read by the engine from its own file, so the test follows the exercise.
const DESIGN_FILE = 'exercises/02-design-a-strategy/exercise.yaml';
const design = loadExercise(readFileSync(DESIGN_FILE, 'utf8'), DESIGN_FILE, (p) => readFileSync(p, 'utf8')).exercise;
if (design?.kind !== 'design') throw new Error(`${DESIGN_FILE} did not load as a design exercise`);
const SOLUTION = design.files[design.design.solution] as string;
const STARTER_FAILS = design.design.starterFails.map((f) => f.id).sort();
const ALL_REQUIREMENTS = design.design.requirements.map((r) => r.id);

// Exercise 3's questions, answers and the variant each fix runs as, from its own file too.
const DIAGNOSE_FILE = 'exercises/03-diagnose-the-bottleneck/exercise.yaml';
const diagnose = loadExercise(readFileSync(DIAGNOSE_FILE, 'utf8'), DIAGNOSE_FILE, (p) => readFileSync(p, 'utf8')).exercise;
if (diagnose?.kind !== 'diagnose') throw new Error(`${DIAGNOSE_FILE} did not load as a diagnose exercise`);
const DIAGNOSE_QUESTIONS = diagnose.diagnose.questions;
/** A grade takes a full simulation of the capacity scenario per fix: minutes on a busy machine. */
const GRADE_TIMEOUT = 150_000;

async function verdictOk(page: Page, testid: string): Promise<string | null> {
  return page.getByTestId(testid).getAttribute('data-ok');
}

async function answerAndCheck(page: Page, path: string, perMinute: string, token: 'admitted' | 'rejected'): Promise<void> {
  await page.getByTestId('answer-upstream-path').fill(path);
  await page.getByTestId('answer-local-limit-three-replicas').fill(perMinute);
  await page.getByTestId(`answer-expired-token-${token}`).check();
  await page.getByTestId('exercise-check').click();
  // The button says Running… until the grade is back.
  await expect.poll(() => page.getByTestId('exercise-check').textContent(), { timeout: 60_000 }).toBe('Check');
}

/** Picks a choice as a student clicks it, then waits for the verdict on that choice (its text names it). */
async function chooseAndWait(page: Page, question: string, choice: string, named: string): Promise<void> {
  await page.getByTestId(`choice-${question}-${choice}`).check();
  const verdict = page.getByTestId(`diagnose-${question}-verdict`);
  await expect
    .poll(async () => ((await verdict.count()) ? await verdict.textContent() : ''), { timeout: GRADE_TIMEOUT })
    .toContain(named);
}

describe.skipIf(!chromiumPath)(title, () => {
  const browser = sharedBrowser(chromiumPath);

  it('exercise 1: a wrong answer shows the true value and its evidence; right answers pass it', async () => {
    const page = await openPage(browser);
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(r.url()));
    await page.goto(labUrl);
    await page.getByTestId('mode-exercises').click();
    await page.getByTestId('exercise-01-read-a-config').waitFor({ timeout: 60_000 });
    // The exercises view and the exercise files arrive only with the mode, not in the first load.
    expect(fetched.some((u) => /ExercisesView/.test(u))).toBe(true);
    expect(page.url()).toContain('mode=exercises');
    await expect(page.getByTestId('exercise-config').textContent()).resolves.toContain('strip_path');

    await answerAndCheck(page, '/api/v1/orders/123', '600', 'admitted');
    await expect(verdictOk(page, 'verdict-upstream-path')).resolves.toBe('false');
    await expect(page.getByTestId('verdict-upstream-path-produced').textContent()).resolves.toBe('/123');
    await expect(page.getByTestId('verdict-upstream-path').textContent()).resolves.toContain('reader-1');
    await expect(verdictOk(page, 'verdict-local-limit-three-replicas')).resolves.toBe('true');
    expect(await page.getByTestId('exercise-passed-01-read-a-config').count()).toBe(0);

    await answerAndCheck(page, '/123', '600', 'admitted');
    for (const q of ['upstream-path', 'local-limit-three-replicas', 'expired-token']) await expect(verdictOk(page, `verdict-${q}`)).resolves.toBe('true');
    await expect(page.getByTestId('verdict-local-limit-three-replicas-produced').textContent()).resolves.toBe('600');
    await page.getByTestId('exercise-passed-01-read-a-config').waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('gatelab:progress:v1'));
    expect(JSON.parse(stored ?? '{}').exercises?.['01-read-a-config']?.passed).toBe(true);

    expect(await seriousViolations(page), 'exercise 1').toEqual([]);
    await screenshot(page, 'exercise-1', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('exercise 2: the starter misses the stated requirements, the reference meets all, the draft survives a reload', async () => {
    const page = await openPage(browser);
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${labUrl}?mode=exercises&exercise=02-design-a-strategy`);
    await page.getByTestId('exercise-02-design-a-strategy').waitFor({ timeout: 60_000 });
    await page.locator('.cm-content').waitFor();
    // No reference solution before a first attempt.
    expect(await page.getByTestId('design-solution').count()).toBe(0);

    await page.getByTestId('exercise-check').click();
    await page.getByTestId(`requirement-${ALL_REQUIREMENTS[0]}-verdict`).waitFor({ timeout: 60_000 });
    const unmet: string[] = [];
    for (const id of ALL_REQUIREMENTS) if ((await verdictOk(page, `requirement-${id}-verdict`)) === 'false') unmet.push(id);
    expect(unmet.sort()).toEqual(STARTER_FAILS);
    await page.getByTestId('design-solution').waitFor();

    // Paste the reference in through the editor, as a student would: select all, insert the text.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(SOLUTION);
    await expect.poll(() => page.evaluate(() => localStorage.getItem('gatelab:exercise-draft:v1:02-design-a-strategy'))).toBe(SOLUTION);
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => verdictOk(page, `requirement-canary-verdict`), { timeout: 60_000 }).toBe('true');
    for (const id of ALL_REQUIREMENTS) await expect(verdictOk(page, `requirement-${id}-verdict`)).resolves.toBe('true');
    await page.getByTestId('exercise-passed-02-design-a-strategy').waitFor();
    expect(await seriousViolations(page), 'exercise 2').toEqual([]);
    await screenshot(page, 'exercise-2', true);

    await page.reload();
    await page.locator('.cm-content').waitFor({ timeout: 60_000 });
    await expect(page.locator('.cm-content').textContent()).resolves.toContain('partner-backends');
    await expect(page.getByTestId('design-editor').textContent()).resolves.toContain('edited, saved in this browser');
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('exercise 3: a wrong answer to each question is seen not to hold, the right ones pass it', async () => {
    const page = await openPage(browser);
    await page.goto(`${labUrl}?mode=exercises&exercise=${diagnose.id}`);
    await page.getByTestId('dash-request-p99').waitFor({ timeout: GRADE_TIMEOUT });
    await page.getByTestId('diagnose-scatter').waitFor();
    await expect(page.getByTestId('dash-request-p99').textContent()).resolves.toMatch(/^\d+(\.\d+)? ms$/);

    for (const [i, q] of DIAGNOSE_QUESTIONS.entries()) {
      const right = q.choices.find((c) => c.id === q.answer);
      const wrong = q.choices.find((c) => c.id !== q.answer);
      if (!right || !wrong) throw new Error(`${DIAGNOSE_FILE}: question ${q.id} needs its answer and another choice`);
      const fix = q.metric !== 'largest-share';
      const verdict = page.getByTestId(`diagnose-${q.id}-verdict`);

      await chooseAndWait(page, q.id, wrong.id, wrong.text);
      await expect(verdictOk(page, `diagnose-${q.id}-verdict`), `${q.id}: ${wrong.id}`).resolves.toBe('false');
      await expect(verdict.textContent()).resolves.toContain(fix ? 'it does not help' : `the largest part is ${right.text}`);
      // A fix is run as its variant and shown beside the base run; the place question has no run to compare.
      expect(await page.getByTestId(`diagnose-${q.id}`).locator('table.compare').count()).toBe(fix ? 1 : 0);

      await chooseAndWait(page, q.id, right.id, right.text);
      await expect(verdictOk(page, `diagnose-${q.id}-verdict`), `${q.id}: ${right.id}`).resolves.toBe('true');
      if (fix) await expect(verdict.textContent()).resolves.toContain('it helps');
      await expect(page.getByTestId(`diagnose-${q.id}`).textContent()).resolves.toContain(q.explanation.slice(0, 40));
      // Passed only once every question is right.
      const last = i === DIAGNOSE_QUESTIONS.length - 1;
      if (!last) expect(await page.getByTestId(`exercise-passed-${diagnose.id}`).count(), `after ${q.id}`).toBe(0);
    }
    await page.getByTestId(`exercise-passed-${diagnose.id}`).waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('gatelab:progress:v1'));
    expect(JSON.parse(stored ?? '{}').exercises?.[diagnose.id]?.passed).toBe(true);

    expect(await seriousViolations(page), 'exercise 3').toEqual([]);
    await screenshot(page, 'exercise-3', true);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 6 * GRADE_TIMEOUT);
});
