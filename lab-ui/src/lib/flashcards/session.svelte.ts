/**
 * The Flashcards mode's state: the decks (fetched from the worker on first open), the chosen deck,
 * the card on show and whether it is revealed. Progress lives in the ProgressStore; `progress` here
 * is its latest value, so the views re-render when an answer or an import changes it.
 */
import type { Progress, ProgressStore, ImportResult } from '../progress.ts';
import { nextCard, type Answer } from './schedule.ts';
import type { CardView, DeckView, DecksAnswer } from './types.ts';
import { docSection, loadDocPage } from './doc-section.ts';
import { docTarget } from './link.ts';
import { isScenarioCardLink } from './types.ts';

export interface DeckSource {
  decks(): Promise<DecksAnswer>;
}

export type DocState = { status: 'loading' } | { status: 'ready'; page: string; heading: string; body: string } | { status: 'missing'; page: string };

export class FlashcardSession {
  decks = $state.raw<DeckView[] | null>(null);
  error = $state<string | null>(null);
  deckFile = $state<string | null>(null);
  revealed = $state(false);
  progress = $state.raw<Progress>(null as unknown as Progress);
  /** The docs section a revealed fact card links to. */
  doc = $state.raw<DocState | null>(null);
  private loading: Promise<void> | null = null;

  constructor(
    private readonly source: DeckSource,
    readonly store: ProgressStore,
  ) {
    this.progress = store.get();
  }

  load(): Promise<void> {
    this.loading ??= this.source.decks().then(
      (answer) => {
        this.decks = answer.decks;
        const errors = answer.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length) this.error = errors.map((d) => `${d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : ''}${d.message}`).join('\n');
        this.deckFile ??= answer.decks[0]?.file ?? null;
      },
      (e: unknown) => {
        this.error = `The decks could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
        this.decks = [];
      },
    );
    return this.loading;
  }

  deck(): DeckView | null {
    return this.decks?.find((d) => d.file === this.deckFile) ?? null;
  }

  /** The card the schedule puts next in the chosen deck. */
  card(): CardView | null {
    const deck = this.deck();
    if (!deck) return null;
    const id = nextCard(
      deck.cards.map((c) => c.id),
      this.progress.cards,
    );
    return deck.cards.find((c) => c.id === id) ?? null;
  }

  pick(file: string): void {
    this.deckFile = file;
    this.revealed = false;
    this.doc = null;
  }

  /** Shows a specific card first (a test or a link asks for it) by moving to its deck. */
  deckOf(cardId: string): DeckView | null {
    return this.decks?.find((d) => d.cards.some((c) => c.id === cardId)) ?? null;
  }

  reveal(): void {
    this.revealed = true;
    const card = this.card();
    if (card && !isScenarioCardLink(card.link)) void this.loadDoc(card.link.doc);
  }

  answer(answer: Answer): void {
    const deck = this.deck();
    const card = this.card();
    if (!deck || !card) return;
    this.store.answer(deck.file, card.id, answer);
    this.progress = this.store.get();
    this.revealed = false;
    this.doc = null;
  }

  importJson(text: string): ImportResult {
    const r = this.store.importJson(text);
    if (r.ok) this.progress = this.store.get();
    return r;
  }

  private async loadDoc(doc: string): Promise<void> {
    const { page, anchor } = docTarget({ doc });
    this.doc = { status: 'loading' };
    const text = await loadDocPage(page);
    const section = text === null ? null : docSection(text, anchor);
    this.doc = section ? { status: 'ready', page: doc, heading: section.heading, body: section.body } : { status: 'missing', page: doc };
  }
}
