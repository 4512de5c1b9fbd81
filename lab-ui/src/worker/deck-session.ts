/**
 * The flashcard decks, bundled as text and parsed in the worker with the engine's own loader (the
 * YAML parser and schema validator already live there). Imported lazily by the worker: nobody who
 * never opens Flashcards pays for the deck texts.
 */
import { loadFlashcardDeck } from '../../../engine/exercises/flashcards.ts';
import type { CardView, DeckView, DecksAnswer } from '../lib/flashcards/types.ts';
import { internalError } from './protocol.ts';

const raw = import.meta.glob<string>('../../../exercises/flashcards/*.yaml', { query: '?raw', import: 'default', eager: true });

export const DECK_FILES: ReadonlyMap<string, string> = new Map(Object.entries(raw).map(([path, text]) => [path.replace(/^(\.\.\/)+/, ''), text]));

/** Every deck as plain data, in file order; a deck that does not load is reported and left out. */
export function loadDecks(files: ReadonlyMap<string, string> = DECK_FILES): DecksAnswer {
  const decks: DeckView[] = [];
  const diagnostics: DecksAnswer['diagnostics'] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      const loaded = loadFlashcardDeck(text, file);
      diagnostics.push(...loaded.diagnostics);
      if (!loaded.deck) continue;
      const cards = loaded.deck.cards.map((c): CardView => ({
        id: c.id,
        kind: c.kind,
        question: c.question,
        answer: c.answer,
        ...(c.caveat !== undefined ? { caveat: c.caveat } : {}),
        // Only the named ones: an unnamed expectation is a matcher, not a sentence for a student.
        ...(c.shows?.some((x) => typeof x.expectation.name === 'string') ? { shows: c.shows.flatMap((x) => (typeof x.expectation.name === 'string' ? [{ variant: x.variant, name: x.expectation.name }] : [])) } : {}),
        // Copied field by field: the loaded link may carry more than the page needs.
        link: 'doc' in c.link ? { doc: c.link.doc } : { scenario: c.link.scenario, variants: [...c.link.variants], tMs: c.link.tMs, ...(c.link.chart ? { chart: c.link.chart } : {}), ...(c.link.req ? { req: c.link.req } : {}) },
      }));
      decks.push({ set: loaded.deck.set, title: loaded.deck.title, file, cards });
    } catch (e) {
      diagnostics.push(internalError(`loading the deck crashed: ${String(e)}`, file));
    }
  }
  return { decks, diagnostics };
}
