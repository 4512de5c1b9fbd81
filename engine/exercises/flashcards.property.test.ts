import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../core/errors.ts';
import { loadFlashcardDeck } from './flashcards.ts';
import { headingAnchors, headingSlug } from './flashcards-docs.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = Number(process.env.FC_SEED ?? 0xf1a5c);
console.log(`flashcard property seed: ${seed} (set FC_SEED to replay)`);

/** The first two cards of a real deck (one behaviour, one with a caveat): small enough to parse fast. */
const DECK_LINES = (() => {
  const lines = readFileSync('exercises/flashcards/02-rate-limiting-and-resilience.yaml', 'utf8').split('\n');
  const third = lines.findIndex((l) => l.startsWith('  - id: hide-credentials'));
  return lines.slice(0, third);
})();

const KEYS = ['set', 'title', 'cards', 'id', 'kind', 'question', 'answer', 'caveat', 'link', 'scenario', 'variants', 't', 'chart', 'req', 'doc', 'shows', 'variant', 'count', 'client', 'status', 'from', 'to', 'equals', 'between', 'approx', 'tolerance', 'absent', 'transition', 'span', 'replica', 'sohws', '__proto__'];
const SCALARS = ['behaviour', 'fact', '59s', '5 sec', '-1s', '0', '[base]', '[base, base]', 'base/x-1', 'nowhere/x', 'rates', 'pie', '{}', '[]', 'null', '~', 'true', '1e309', '"x"', '&a x', '*a', '|', 'docs/x.md#y'];

/** A line that looks like deck YAML: an indent, maybe a dash, a key, maybe a value. */
const yamlishLine = fc
  .tuple(fc.integer({ min: 0, max: 10 }), fc.boolean(), fc.constantFrom(...KEYS), fc.option(fc.oneof(fc.constantFrom(...SCALARS), fc.string({ maxLength: 8 })), { nil: undefined }))
  .map(([indent, dash, key, value]) => `${' '.repeat(indent)}${dash ? '- ' : ''}${key}:${value === undefined ? '' : ` ${value}`}`);

/** A real deck with lines dropped, repeated or replaced by YAML-ish ones. */
const mutatedDeck = fc
  .array(
    fc.oneof(
      fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('dup' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('set' as const), at: fc.nat(), line: yamlishLine }),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((ops) => {
    const lines = [...DECK_LINES];
    for (const o of ops) {
      const i = o.at % lines.length;
      if (o.op === 'drop') lines.splice(i, 1);
      else if (o.op === 'dup') lines.splice(i, 0, lines[i] as string);
      else lines[i] = o.line;
    }
    return lines.join('\n');
  });

describe('loadFlashcardDeck on damaged decks', () => {
  it('never throws, points every diagnostic into the file, and gives a deck exactly when nothing is wrong', () => {
    fc.assert(
      fc.property(mutatedDeck, (text) => {
        const { deck, diagnostics } = loadFlashcardDeck(text, 'deck.yaml');
        const lines = text.split('\n').length;
        for (const d of diagnostics) {
          expect(d.loc?.file).toBe('deck.yaml');
          expect(d.loc?.line).toBeGreaterThanOrEqual(1);
          expect(d.loc?.line).toBeLessThanOrEqual(lines + 1);
          expect(d.code).toMatch(/^GL_[EW]_[A-Z_]+$/);
        }
        expect(deck !== undefined).toBe(!hasErrors(diagnostics));
        if (deck) expect(new Set(deck.cards.map((c) => c.id)).size).toBe(deck.cards.length);
      }),
      { seed, numRuns: 120 },
    );
    // A generous bound for a loaded machine: this is a correctness property, not a speed test.
  }, 120_000);
});

describe('heading anchors', () => {
  it('are slugs of only letters, digits, hyphens and underscores, and unique on a page', () => {
    const heading = fc.string({ maxLength: 24 }).filter((h) => !h.includes('\n'));
    fc.assert(
      fc.property(fc.array(heading, { maxLength: 12 }), (headings) => {
        for (const h of headings) expect(headingSlug(h)).toMatch(/^[\p{L}\p{N}_-]*$/u);
        const anchors = headingAnchors(headings.map((h) => `## ${h}`).join('\n'));
        expect(new Set(anchors).size).toBe(anchors.length);
      }),
      { seed, numRuns: 300 },
    );
  });
});
