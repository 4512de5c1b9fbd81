import { describe, expect, it } from 'vitest';
import { SCENARIO_SCHEMA } from '../scenario/schema.ts';
import { loadScenarioText } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { checkFlashcard, loadFlashcardDeck, type FlashcardDeck } from './flashcards.ts';
import { FLASHCARD_SCHEMA } from './flashcards-schema.ts';
import { docLinkProblem, headingAnchors, headingSlug } from './flashcards-docs.ts';

/** A deck around one card, written as YAML lines under `cards:`. */
function deckText(cardLines: string[]): string {
  return ['set: 1', 'title: A test deck', 'cards:', ...cardLines].join('\n');
}

const GOOD_CARD = [
  '  - id: one-burst',
  '    kind: behaviour',
  '    question: Does the burst pass?',
  '    answer: All of it.',
  '    link: { scenario: tiny, variants: [base, slower], t: 1s, chart: rates, req: base/c-1 }',
  '    shows:',
  '      - variant: base',
  '        count: { client: c, status: 200 }',
  '        equals: 3',
];

/** Where a text first appears, as `line:col`. */
function at(text: string, needle: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  return `${i + 1}:${(lines[i] as string).indexOf(needle) + 1}`;
}

function diagnosticsOf(text: string): Array<{ code: string; where: string; message: string }> {
  return loadFlashcardDeck(text, 'deck.yaml').diagnostics.map((d) => ({ code: d.code, where: `${d.loc?.line}:${d.loc?.col}`, message: d.message }));
}

describe('loadFlashcardDeck', () => {
  it('loads a good card with its link in milliseconds and its shows as written', () => {
    const { deck, diagnostics } = loadFlashcardDeck(deckText(GOOD_CARD), 'deck.yaml');
    expect(diagnostics).toEqual([]);
    const card = deck?.cards[0];
    expect(card?.link).toEqual({ scenario: 'tiny', variants: ['base', 'slower'], tMs: 1000, chart: 'rates', req: 'base/c-1' });
    expect(card?.shows?.[0]).toMatchObject({ variant: 'base', expectation: { count: { client: 'c', status: 200 }, equals: 3 }, path: ['cards', 0, 'shows', 0] });
  });

  it('a fact card with shows, a behaviour card with a doc link and one without shows are errors at their place', () => {
    const text = deckText([
      '  - id: fact-with-shows',
      '    kind: fact',
      '    question: Q?',
      '    answer: A.',
      '    link: { doc: docs/cli.md }',
      '    shows:',
      '      - { variant: base, count: {}, equals: 1 }',
      '  - id: behaviour-with-doc',
      '    kind: behaviour',
      '    question: Q?',
      '    answer: A.',
      '    link: { doc: docs/cli.md }',
      '    shows:',
      '      - { variant: base, count: {}, equals: 1 }',
      '  - id: behaviour-without-shows',
      '    kind: behaviour',
      '    question: Q?',
      '    answer: A.',
      '    link: { scenario: tiny, variants: [base], t: 0 }',
    ]);
    const got = diagnosticsOf(text);
    expect(got.map((d) => d.where)).toEqual([at(text, 'shows:'), '15:11', '15:13', '19:11']);
    expect(got[0]?.message).toContain('a fact card has nothing to run');
    expect(got[1]?.message).toBe("a behaviour card's link needs scenario, variants, t");
    expect(got[2]?.message).toBe('a behaviour card links to a scenario moment, not a docs page');
    expect(got[3]?.message).toContain("behaviour card 'behaviour-without-shows' needs shows");
  });

  it('a repeated id, a req or shows in an unopened variant, and a variant opened twice are errors', () => {
    const text = deckText([
      ...GOOD_CARD.map((l) => l.replace('variants: [base, slower]', 'variants: [base, base]').replace('base/c-1', 'other/c-1')),
      ...GOOD_CARD.map((l) => l.replace('- variant: base', '- variant: faster')),
    ]);
    const got = diagnosticsOf(text);
    expect(got.map((d) => d.code)).toEqual(['GL_E_VARIANT', 'GL_E_VARIANT', 'GL_E_SCHEMA', 'GL_E_VARIANT']);
    expect(got[0]?.message).toBe("variant 'base' is listed twice");
    expect(got[1]?.message).toContain("req names variant 'other'");
    expect(got[2]).toMatchObject({ where: '13:9', message: "card id 'one-burst' is already used by card 1" });
    expect(got[3]).toMatchObject({ where: '19:18', message: "shows variant 'faster', which the link does not open" });
  });

  it('schema problems speak the scenario format: two subjects, a bad t, an unknown chart', () => {
    const text = deckText(
      GOOD_CARD.map((l) => l.replace('t: 1s', 't: 1 sec').replace('chart: rates', 'chart: rate').replace('equals: 3', 'equals: 3\n        status: { request: c-1 }')),
    );
    const got = diagnosticsOf(text);
    expect(got.map((d) => d.code).sort()).toEqual(['GL_E_DURATION', 'GL_E_EXPECT', 'GL_E_SCHEMA']);
    expect(got.find((d) => d.code === 'GL_E_DURATION')?.where).toBe(at(text, '1 sec'));
    expect(got.find((d) => d.code === 'GL_E_SCHEMA')?.message).toContain("'rate' is not a valid chart");
    expect(got.find((d) => d.code === 'GL_E_EXPECT')?.message).toContain('has count and status');
  });

  it('an empty file, a second document and broken YAML are diagnostics, not exceptions', () => {
    expect(diagnosticsOf('')[0]?.message).toBe('the deck file is empty');
    expect(diagnosticsOf(`${deckText(GOOD_CARD)}\n---\nset: 2\n`)[0]).toMatchObject({ where: '14:1', message: 'a deck file holds one YAML document, found 2' });
    expect(diagnosticsOf('set: [1\n')[0]?.code).toBe('GL_E_YAML_SYNTAX');
  });
});

describe('the deck schema', () => {
  it("accepts in `shows` exactly the scenario expectation's fields, with variant for variants", () => {
    const expectation = (SCENARIO_SCHEMA.definitions as Record<string, { properties: Record<string, unknown> }>).expectation;
    const show = (FLASHCARD_SCHEMA.definitions as Record<string, { properties: Record<string, unknown> }>).show;
    const expected = Object.keys(expectation?.properties ?? {}).filter((k) => k !== 'variants').concat('variant').sort();
    expect(Object.keys(show?.properties ?? {}).sort()).toEqual(expected);
  });
});

describe('doc links', () => {
  it("slugs headings as GitHub does", () => {
    expect(headingSlug('How nginx decides (and so Kong)')).toBe('how-nginx-decides-and-so-kong');
    expect(headingSlug('`upstream:` — the service\'s UpstreamPolicyIR')).toBe('upstream--the-services-upstreampolicyir');
    expect(headingSlug('See [the format](docs/x.md) here')).toBe('see-the-format-here');
  });

  it('numbers repeated headings and ignores # lines inside code fences', () => {
    const page = ['# Title', '## Try it', '```yaml', '# not a heading', '```', '## Try it', '### Try it!'].join('\n');
    expect(headingAnchors(page)).toEqual(['title', 'try-it', 'try-it-1', 'try-it-2']);
  });

  it('reports a missing page, a missing heading with the nearest one, and passes a real one', () => {
    const read = (p: string): string | undefined => (p === 'docs/a.md' ? '# The format\n' : undefined);
    expect(docLinkProblem('docs/b.md#x', read)).toBe('docs page docs/b.md does not exist');
    expect(docLinkProblem('docs/a.md#the-formt', read)).toBe('docs/a.md has no heading with anchor #the-formt (did you mean #the-format?)');
    expect(docLinkProblem('docs/a.md#the-format', read)).toBeUndefined();
    expect(docLinkProblem('docs/a.md', read)).toBeUndefined();
  });
});

describe('checkFlashcard on a scenario given in memory', () => {
  const scenarioText = [
    'id: tiny',
    'title: Three requests',
    'topic: basics',
    'summary: Three requests at one second.',
    'start: 2026-01-01T12:00:00Z',
    'duration: 2s',
    'gateway:',
    '  format: ir',
    '  config:',
    '    services: [{ name: api, url: "http://api.internal:8080" }]',
    '    routes: [{ name: r, service: api, paths: [/] }]',
    'clients:',
    '  - { id: c, ip: 198.51.100.1, request: { url: "http://api.example.com/x" }, traffic: [{ burst: { at: 1s, count: 3 } }] }',
    'backends: [{ name: api, latency: 5ms }]',
    'variants:',
    '  slower: { patch: { backends: [{ name: api, latency: 50ms }] } }',
  ].join('\n');
  const loaded = loadScenarioText(scenarioText, 'tiny.yaml', () => '');
  const resolve = (id: string): Scenario | undefined => (id === 'tiny' ? loaded.scenario : undefined);
  const firstCard = (text: string): FlashcardDeck['cards'][number] => {
    const { deck, diagnostics } = loadFlashcardDeck(text, 'deck.yaml');
    expect(diagnostics).toEqual([]);
    return (deck as FlashcardDeck).cards[0] as FlashcardDeck['cards'][number];
  };

  it('passes when the shows hold, and runs each variant once for every card', async () => {
    expect(loaded.diagnostics).toEqual([]);
    const runs = new Map();
    const check = await checkFlashcard(firstCard(deckText(GOOD_CARD)), resolve, { runs });
    expect(check).toMatchObject({ id: 'one-burst', pass: true, failures: [] });
    expect(check.results.map((r) => r.pass)).toEqual([true]);
    expect([...runs.keys()]).toEqual(['tiny.yaml\u0000base']);
  });

  it('reports a show that does not hold, a client the variant lacks and an instant past its end', async () => {
    const text = deckText([
      ...GOOD_CARD.slice(0, 8),
      '        equals: 4',
      '      - variant: slower',
      '        count: { client: d, from: 5s }',
      '        equals: 0',
    ]);
    const check = await checkFlashcard(firstCard(text), resolve);
    expect(check.pass).toBe(false);
    expect(check.failures).toEqual([
      `deck.yaml:${at(text, 'variant: base')}: card one-burst: expected 4, got 3 (count of client c status 200 in [0s, end), variant base)`,
      `deck.yaml:${at(text, 'd, from')}: card one-burst: GL_E_EXPECT: unknown client 'd' (known clients: c)`,
      `deck.yaml:${at(text, '5s')}: card one-burst: GL_E_INSTANT: 5s is after the end of the run (duration 2s) (move it before the end, or make the scenario duration longer)`,
    ]);
  });
});
