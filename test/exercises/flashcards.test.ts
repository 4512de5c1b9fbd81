/**
 * The lesson's flashcards as checked data: every deck loads, every lesson question has its card, every
 * behavioural answer is proven by the run it links to, every fact card lands on a real heading, and a
 * broken or wrong card is reported at its line and column. Each (scenario, variant) runs once.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFlashcard, isScenarioLink, loadFlashcardDeck, type FlashcardDeck, type ScenarioLink } from '../../engine/exercises/flashcards.ts';
import { checkFlashcardFiles, docReader, scenarioResolver, type DeckFileResult } from '../../engine/exercises/flashcards-node.ts';
import { headingAnchors } from '../../engine/exercises/flashcards-docs.ts';
import type { VariantRun } from '../../engine/runtimes/sim/run-scenario.ts';
import { SHARED_DIR } from '../support/lesson.ts';

const ROOT = `${resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')}/`;
const DECK_FILES = ['01-gateways.yaml', '02-rate-limiting-and-resilience.yaml', '03-operations.yaml'].map((f) => `${ROOT}exercises/flashcards/${f}`);
const LESSON = join(SHARED_DIR, 'lesson', 'api-gateways-lesson.txt');

const runs = new Map<string, Promise<VariantRun>>();
const resolveScenario = scenarioResolver(ROOT);
const readDoc = docReader(ROOT);

/** A deck that must load cleanly; anything else fails loudly with the diagnostics (also at collection time). */
function loadDeck(file: string): FlashcardDeck {
  const { deck, diagnostics } = loadFlashcardDeck(readFileSync(file, 'utf8'), file);
  if (!deck || diagnostics.length > 0) throw new Error(`${file} does not load cleanly:\n${diagnostics.map((d) => JSON.stringify(d)).join('\n')}`);
  return deck;
}

/** The questions of the lesson's Flashcard Check #n, row by row (two rows are split over two lines). */
function lessonQuestions(n: number): string[] {
  const lines = readFileSync(LESSON, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`Flashcard Check #${n}`));
  expect(start, `Flashcard Check #${n} in the lesson`).toBeGreaterThanOrEqual(0);
  const questions: string[] = [];
  let answerNext = false;
  // The table ends at the next heading, which the lesson's text marks with a pilcrow.
  for (let i = start + 1; i < lines.length && !(lines[i] as string).endsWith('¶'); i++) {
    const line = (lines[i] as string).trim();
    if (answerNext) {
      answerNext = false;
    } else if (line.startsWith('|')) {
      const cell = (line.split('|')[1] ?? '').trim();
      if (cell !== 'Question' && !/^-*$/.test(cell)) questions.push(cell);
    } else if (line.endsWith('|')) {
      questions.push(line.slice(0, -1).trim());
      answerNext = true;
    }
  }
  return questions;
}

/** Card ids in lesson order, each with words its lesson question must contain. */
const LESSON_ORDER: Array<Array<[string, string]>> = [
  [
    ['proxy-vs-gateway', 'reverse proxy and an API gateway'],
    ['cross-cutting-concerns', 'cross-cutting concerns'],
    ['aws-29s-timeout', '29-second timeout'],
    ['kong-built-on', 'Kong use under the hood'],
    ['traefik-discovery', 'Traefik differ'],
  ],
  [
    ['boundary-burst', 'boundary burst'],
    ['token-bucket', 'token bucket'],
    ['hide-credentials', 'hide_credentials'],
    ['circuit-breaker-states', 'circuit breaker states'],
    ['canary-at-the-gateway', 'canary releases'],
  ],
  [
    ['ingress-vs-gateway-api', 'Ingress and Gateway API'],
    ['no-business-logic', 'business logic'],
    ['cdn-ip-rate-limiting', 'behind a CDN'],
    ['prestop-sleep', 'preStop'],
    ['request-time-minus-upstream-time', 'request_time - upstream_time'],
  ],
];

describe('the decks', () => {
  it('every deck loads without diagnostics, set n in file n', () => {
    DECK_FILES.forEach((file, i) => expect(loadDeck(file).set).toBe(i + 1));
  });

  it('every lesson question has its card, in the lesson order (5 + 5 + 5 rows)', () => {
    const counts = [1, 2, 3].map((n) => lessonQuestions(n).length);
    expect(counts).toEqual([5, 5, 5]);
    DECK_FILES.forEach((file, i) => {
      const questions = lessonQuestions(i + 1);
      const order = LESSON_ORDER[i] as Array<[string, string]>;
      expect(loadDeck(file).cards.map((c) => c.id)).toEqual(order.map(([id]) => id));
      order.forEach(([, words], j) => expect(questions[j]).toContain(words));
    });
  });

  it('card ids are unique across all decks', () => {
    const ids = DECK_FILES.flatMap((f) => loadDeck(f).cards.map((c) => c.id));
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('every card is proven', () => {
  let results: DeckFileResult[] = [];
  // Every linked variant runs once here; the cases below read the shared results.
  beforeAll(async () => {
    results = await checkFlashcardFiles(DECK_FILES, { runs });
  }, 600_000);

  const cards = DECK_FILES.flatMap((file) => loadDeck(file).cards);

  it('each deck reports all of its cards passed', () => {
    expect(results.map((r) => r.failed)).toEqual([[], [], []]);
    expect(results.map((r) => r.passed)).toEqual([5, 5, 5]);
  });

  it.each(cards.filter((c) => c.kind === 'behaviour').map((c) => [c.id, c] as const))('%s: its scenario, variants and t exist and its shows hold', async (id, card) => {
    const link = card.link as ScenarioLink;
    const scenario = await resolveScenario(link.scenario);
    expect(scenario, `scenario ${link.scenario}`).toBeDefined();
    const names = scenario?.variants.map((v) => v.name) ?? [];
    for (const v of link.variants) expect(names).toContain(v);
    expect(link.tMs).toBeGreaterThanOrEqual(0);
    expect(link.tMs).toBeLessThanOrEqual(scenario?.durationMs ?? -1);
    const check = results.flatMap((r) => r.cards).find((c) => c.id === id);
    expect(check?.failures).toEqual([]);
    expect(check?.results.map((r) => r.pass)).toEqual((card.shows ?? []).map(() => true));
  });

  it.each(cards.filter((c) => c.kind === 'fact').map((c) => [c.id, c] as const))('%s: its page exists and its anchor is a heading', (_id, card) => {
    expect(isScenarioLink(card.link)).toBe(false);
    const [path, anchor] = (card.link as { doc: string }).doc.split('#') as [string, string];
    const text = readDoc(path);
    expect(text, path).toBeDefined();
    expect(headingAnchors(text as string)).toContain(anchor);
  });
});

describe('the links the lesson asks for', () => {
  const byId = new Map(DECK_FILES.flatMap((f) => loadDeck(f).cards).map((c) => [c.id, c]));
  const link = (id: string): ScenarioLink => byId.get(id)?.link as ScenarioLink;
  const showsOf = (id: string): Array<Record<string, unknown>> => (byId.get(id)?.shows ?? []).map((s) => ({ variant: s.variant, ...s.expectation }));

  it('boundary-burst lands on 12:00:59 with the fixed-window panel first', () => {
    expect(link('boundary-burst')).toMatchObject({ scenario: 'boundary-burst', tMs: 59_000 });
    expect(link('boundary-burst').variants[0]).toBe('base');
    expect(byId.get('boundary-burst')?.caveat).toMatch(/fixed windows/);
  });

  it('preStop opens deploy-502-blip without and with the hook: 502s without, none with', () => {
    expect(link('prestop-sleep')).toMatchObject({ scenario: 'deploy-502-blip', variants: ['base', 'prestop'] });
    const shows = showsOf('prestop-sleep');
    expect(shows).toContainEqual(expect.objectContaining({ variant: 'base', count: expect.objectContaining({ status: 502 }), between: [100, 200] }));
    expect(shows).toContainEqual(expect.objectContaining({ variant: 'prestop', count: expect.objectContaining({ status: 502 }), equals: 0 }));
  });

  it('request_time − upstream_time opens the bottleneck run on the latency chart, gateway ≫ upstream', () => {
    expect(link('request-time-minus-upstream-time')).toMatchObject({ scenario: 'bottleneck-diagnosis', chart: 'latency' });
    const shows = showsOf('request-time-minus-upstream-time');
    const lowest = (measure: string): number => (shows.find((s) => (s.latency as { measure?: string })?.measure === measure)?.between as number[])[0] as number;
    const highest = (measure: string): number => (shows.find((s) => (s.latency as { measure?: string })?.measure === measure)?.between as number[])[1] as number;
    expect(lowest('gateway')).toBeGreaterThanOrEqual(10 * highest('upstream'));
  });

  it('the other required links point where the brief says', () => {
    expect(link('circuit-breaker-states').scenario).toBe('circuit-breaker-states');
    expect(showsOf('circuit-breaker-states').every((s) => 'transition' in s || 'decision' in s)).toBe(true);
    expect(['token-bucket-walkthrough', 'boundary-burst']).toContain(link('token-bucket').scenario);
    expect(link('cdn-ip-rate-limiting').scenario).toBe('cdn-ip-rate-limiting');
    expect(link('hide-credentials').scenario).toBe('hide-credentials');
    expect(['canary-ramp', 'partner-canary']).toContain(link('canary-at-the-gateway').scenario);
    expect(link('ingress-vs-gateway-api').scenario).toBe('role-separation');
    expect(link('aws-29s-timeout').scenario).toBe('aws-29s-timeout');
  });

  it('the required caveats are there', () => {
    expect(byId.get('aws-29s-timeout')?.caveat).toMatch(/June\s+2024[\s\S]*Regional[\s\S]*300 s/);
    expect(byId.get('traefik-discovery')?.caveat).toMatch(/provider/);
  });
});

describe('broken and wrong cards', () => {
  const at = (text: string, needle: string, nth = 0): string => {
    const lines = text.split('\n');
    let seen = 0;
    for (let i = 0; i < lines.length; i++) {
      const col = (lines[i] as string).indexOf(needle);
      if (col >= 0 && seen++ === nth) return `${i + 1}:${col + 1}`;
    }
    throw new Error(`'${needle}' is not in the text`);
  };
  const where = (d: { loc?: { line: number; col: number } }): string => `${d.loc?.line}:${d.loc?.col}`;

  it('an unknown field and a bad t are reported at their line and column', () => {
    const text = [
      'set: 9',
      'title: Broken on purpose',
      'cards:',
      '  - id: broken-one',
      '    kind: behaviour',
      '    question: Which?',
      '    answer: That.',
      '    colour: red',
      '    link:',
      '      scenario: boundary-burst',
      '      variants: [base]',
      '      t: 59 seconds',
      '    shows:',
      '      - variant: base',
      '        count: { client: burster }',
      '        equals: 1',
    ].join('\n');
    const { deck, diagnostics } = loadFlashcardDeck(text, 'broken.yaml');
    expect(deck).toBeUndefined();
    const unknown = diagnostics.find((d) => d.code === 'GL_E_UNKNOWN_FIELD');
    expect(unknown?.message).toContain("'colour'");
    expect(where(unknown ?? {})).toBe(at(text, 'colour'));
    const badT = diagnostics.find((d) => d.code === 'GL_E_DURATION');
    expect(where(badT ?? {})).toBe(at(text, '59 seconds'));
  });

  it('an unknown variant, a t after the run, a missing scenario and a missing heading fail at their place', async () => {
    const text = [
      'set: 9',
      'title: Broken on purpose',
      'cards:',
      '  - id: broken-two',
      '    kind: behaviour',
      '    question: Which?',
      '    answer: That.',
      '    link:',
      '      scenario: boundary-burst',
      '      variants: [base, sliding-windw]',
      '      t: 3m',
      '    shows:',
      '      - variant: sliding-windw',
      '        count: { client: burster }',
      '        equals: 1',
      '  - id: broken-three',
      '    kind: behaviour',
      '    question: Which?',
      '    answer: That.',
      '    link: { scenario: no-such-scenario, variants: [base], t: 0 }',
      '    shows:',
      '      - { variant: base, count: {}, equals: 1 }',
      '  - id: broken-four',
      '    kind: fact',
      '    question: Which?',
      '    answer: That.',
      '    link: { doc: docs/flashcards.md#the-formt }',
    ].join('\n');
    const { deck, diagnostics } = loadFlashcardDeck(text, 'broken.yaml');
    expect(diagnostics).toEqual([]);
    const [two, three, four] = await Promise.all((deck?.cards ?? []).map((c) => checkFlashcard(c, resolveScenario, { runs, readDoc })));
    expect(two?.pass).toBe(false);
    expect(two?.failures).toContainEqual(expect.stringMatching(new RegExp(`^broken\\.yaml:${at(text, 'sliding-windw')}: card broken-two: .*no variant 'sliding-windw'.*did you mean 'sliding-window'`)));
    expect(two?.failures).toContainEqual(expect.stringMatching(new RegExp(`^broken\\.yaml:${at(text, '3m')}: card broken-two: t 3m0s is after the end`)));
    expect(three?.failures).toEqual([`broken.yaml:${at(text, 'no-such-scenario')}: card broken-three: no scenario 'no-such-scenario' (scenarios/<topic>/no-such-scenario.yaml)`]);
    expect(four?.failures).toEqual([`broken.yaml:${at(text, 'docs/flashcards.md')}: card broken-four: docs/flashcards.md has no heading with anchor #the-formt (did you mean #the-format?)`]);
  });

  it('a card whose shows no longer hold is reported failing, at the entry', async () => {
    const file = DECK_FILES[1] as string;
    const original = readFileSync(file, 'utf8');
    const marker = 'count: { client: burster, status: 200, from: 59s, to: 1m2s }\n        equals: 200';
    expect(original).toContain(marker);
    const mutated = original.replace(marker, marker.replace('equals: 200', 'equals: 100'));
    const { deck } = loadFlashcardDeck(mutated, file);
    const card = deck?.cards.find((c) => c.id === 'boundary-burst');
    const check = await checkFlashcard(card!, resolveScenario, { runs });
    expect(check.pass).toBe(false);
    const entry = at(mutated, '- variant: base').replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + 2}`);
    expect(check.failures).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${entry}: card boundary-burst: expected 100, got 200 `))]);
  });
});
