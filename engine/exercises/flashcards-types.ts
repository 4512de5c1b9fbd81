/**
 * The shapes of a flashcard deck once loaded: what the lab shows, what `gatelab check exercises/`
 * proves. A card keeps the path it was written at so every later complaint points at its line.
 */
import type { JsonPath, SourceMap } from '../config/yaml-source.ts';
import type { RawExpectation } from '../scenario/raw.ts';

export type FlashcardKind = 'behaviour' | 'fact';

export type FlashcardChart = 'rates' | 'limiter' | 'latency';

/** A moment of a scenario run that proves a behavioural answer. */
export interface ScenarioLink {
  scenario: string;
  /** Panels to open, `base` included by name; the first is the one the answer is about. */
  variants: string[];
  /** The instant to land on, in ms since the scenario's start. */
  tMs: number;
  chart?: FlashcardChart;
  /** The request to select, as `variant/request-id`. */
  req?: string;
}

/** A docs page (path from the repository root) with an optional `#anchor`. */
export interface DocLink {
  doc: string;
}

/**
 * One thing the linked moment demonstrates: an expectation in the scenario format, kept as written
 * because instants and client names only mean something once the scenario is known.
 */
export interface FlashcardShow {
  variant: string;
  expectation: RawExpectation;
  /** Where the entry sits in the deck file (cards.i.shows.j). */
  path: JsonPath;
}

export interface Flashcard {
  id: string;
  kind: FlashcardKind;
  question: string;
  answer: string;
  caveat?: string;
  link: ScenarioLink | DocLink;
  shows?: FlashcardShow[];
  /** Where the card sits in the deck file (cards.i). */
  path: JsonPath;
  /** The deck's file and source map, so a card checked on its own still reports file:line:column. */
  file: string;
  map: SourceMap;
}

export interface FlashcardDeck {
  set: number;
  title: string;
  cards: Flashcard[];
  file: string;
  map: SourceMap;
}

export function isScenarioLink(link: ScenarioLink | DocLink): link is ScenarioLink {
  return 'scenario' in link;
}
