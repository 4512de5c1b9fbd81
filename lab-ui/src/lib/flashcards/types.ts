/**
 * Flashcards as the page sees them: plain data that crosses from the worker (which parses the decks
 * with the engine's loader) by structured clone, without the source maps the loader keeps.
 */
import type { Diagnostic } from '../../../../engine/core/errors.ts';

/** A scenario moment: the panels to open, the instant (ms from start), the chart and the request. */
export interface CardScenarioLink {
  scenario: string;
  variants: string[];
  tMs: number;
  chart?: string;
  /** `variant/request-id`, as the deck writes it. */
  req?: string;
}

/** A docs page, `docs/…md#anchor`. */
export interface CardDocLink {
  doc: string;
}

export interface CardView {
  id: string;
  kind: 'behaviour' | 'fact';
  question: string;
  answer: string;
  caveat?: string;
  link: CardScenarioLink | CardDocLink;
  /**
   * What the linked run demonstrates, in the deck's words, with the panel each is read in. A card
   * said "proven by a run" and opened a moment without saying what to look for there.
   */
  shows?: CardShow[];
}

export interface CardShow {
  variant: string;
  name: string;
}

export interface DeckView {
  set: number;
  title: string;
  file: string;
  cards: CardView[];
}

export interface DecksAnswer {
  decks: DeckView[];
  /** Problems loading a deck; a deck with errors is left out, the others still shown. */
  diagnostics: Diagnostic[];
}

export function isScenarioCardLink(link: CardView['link']): link is CardScenarioLink {
  return 'scenario' in link;
}
