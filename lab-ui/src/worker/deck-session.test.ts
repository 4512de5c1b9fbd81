import { describe, expect, it } from 'vitest';
import { DECK_FILES, loadDecks } from './deck-session.ts';
import { rebaseForLocal } from './attack-session.ts';

describe('decks in the worker', () => {
  it('loads the three bundled decks as plain, cloneable data', () => {
    const { decks, diagnostics } = loadDecks();
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(decks.map((d) => d.set)).toEqual([1, 2, 3]);
    const card = decks[1]?.cards.find((c) => c.id === 'boundary-burst');
    expect(card?.link).toEqual({ scenario: 'boundary-burst', variants: ['base', 'sliding-window', 'token-bucket'], tMs: 59_000, chart: 'rates', req: 'base/burster-101' });
    expect(structuredClone(decks)).toEqual(decks);
  });

  it("says what each behaviour card's run shows, so See it live has something to look for", () => {
    const { decks } = loadDecks();
    const card = decks[1]?.cards.find((c) => c.id === 'boundary-burst');
    expect(card?.shows?.[0]).toEqual({ variant: 'base', name: 'fixed windows admit all 200 requests within two seconds of 12:01' });
    for (const c of decks.flatMap((d) => d.cards)) expect(c.kind === 'fact' || (c.shows?.length ?? 0) > 0, c.id).toBe(true);
  });

  it('reports a broken deck at its line and still returns the others', () => {
    const files = new Map(DECK_FILES);
    files.set('exercises/flashcards/99-bad.yaml', 'set: 9\ntitle: x\ncards: nope\n');
    const { decks, diagnostics } = loadDecks(files);
    expect(decks).toHaveLength(3);
    expect(diagnostics.some((d) => d.severity === 'error' && d.loc?.file === 'exercises/flashcards/99-bad.yaml' && d.loc.line === 3)).toBe(true);
  });

  it('rebases a counterexample config path from local/ back to the original directory', () => {
    expect(rebaseForLocal('scenarios/rate-limiting/boundary-burst.yaml')('configs/kong.yaml')).toBe('../scenarios/rate-limiting/configs/kong.yaml');
  });
});
