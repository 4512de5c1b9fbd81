/**
 * Loading a flashcard deck: YAML with source positions → the deck schema → cards with their links
 * checked for what can be checked without the scenarios (kinds, instants, which panels the request
 * and the `shows` belong to). Bad input never throws; every problem is a diagnostic at
 * file:line:column. Browser-safe: the lab loads decks in its Web Worker.
 */
import { hasErrors, sortByPlace, type Diagnostic, type ErrorCode } from '../core/errors.ts';
import { parseYaml, type JsonPath, type SourceMap } from '../config/yaml-source.ts';
import { durationMs } from '../scenario/instants.ts';
import type { RawExpectation } from '../scenario/raw.ts';
import { deckSchemaDiagnostics } from './flashcards-schema.ts';
import type { DocLink, Flashcard, FlashcardChart, FlashcardDeck, FlashcardKind, FlashcardShow, ScenarioLink } from './flashcards-types.ts';

export type { DocLink, Flashcard, FlashcardChart, FlashcardDeck, FlashcardKind, FlashcardShow, ScenarioLink } from './flashcards-types.ts';
export { isScenarioLink } from './flashcards-types.ts';
export { checkFlashcard, checkFlashcardDeck, type FlashcardCheck, type CheckOptions, type ResolveScenario } from './flashcards-check.ts';

/** The deck as YAML spells it, once the schema has accepted it. */
interface RawCard {
  id: string;
  kind: FlashcardKind;
  question: string;
  answer: string;
  caveat?: string;
  /** One mapping for both kinds; which fields belong depends on `kind` (checked here, not by the schema). */
  link: { scenario?: string; variants?: string[]; t?: string | number; chart?: FlashcardChart; req?: string; doc?: string };
  shows?: Array<RawExpectation & { variant: string }>;
}

interface RawDeck {
  set: number;
  title: string;
  cards: RawCard[];
}

export function loadFlashcardDeck(text: string, file: string): { deck?: FlashcardDeck; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(text, file);
  if (hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  const only = parsed.docs[0];
  if (parsed.docs.length !== 1 || !only || only.value == null) {
    const where = parsed.docs[1]?.map.locate([]) ?? { file, line: 1, col: 1 };
    const message = parsed.docs.length > 1 ? `a deck file holds one YAML document, found ${parsed.docs.length}` : 'the deck file is empty';
    return { diagnostics: [...parsed.diagnostics, error('GL_E_SCHEMA', message, 'write set, title and cards in one document', where)] };
  }
  const schema = deckSchemaDiagnostics(only.value, only.map);
  if (schema.length > 0) return { diagnostics: sortByPlace([...parsed.diagnostics, ...schema]) };
  const diagnostics = [...parsed.diagnostics];
  const deck = convertDeck(only.value as RawDeck, file, only.map, diagnostics);
  const sorted = sortByPlace(diagnostics);
  return hasErrors(sorted) ? { diagnostics: sorted } : { deck, diagnostics: sorted };
}

function error(code: ErrorCode, message: string, hint: string | undefined, loc: Diagnostic['loc']): Diagnostic {
  return { severity: 'error', code, message, ...(hint ? { hint } : {}), loc };
}

function convertDeck(raw: RawDeck, file: string, map: SourceMap, diagnostics: Diagnostic[]): FlashcardDeck {
  const report = (code: ErrorCode, path: JsonPath, message: string, hint?: string, key = false): void => {
    diagnostics.push(error(code, message, hint, map.locate(path, { key })));
  };
  const seen = new Map<string, number>();
  const cards = raw.cards.map((card, i): Flashcard => {
    const path: JsonPath = ['cards', i];
    const first = seen.get(card.id);
    if (first !== undefined) report('GL_E_SCHEMA', [...path, 'id'], `card id '${card.id}' is already used by card ${first + 1}`, 'card ids are unique across all decks; choose another');
    else seen.set(card.id, i);
    const link = convertLink(card, path, report);
    const shows = convertShows(card, link, path, report);
    return {
      id: card.id,
      kind: card.kind,
      question: card.question,
      answer: card.answer,
      ...(card.caveat !== undefined ? { caveat: card.caveat } : {}),
      link,
      ...(shows ? { shows } : {}),
      path,
      file,
      map,
    };
  });
  return { set: raw.set, title: raw.title, cards, file, map };
}

type Report = (code: ErrorCode, path: JsonPath, message: string, hint?: string, key?: boolean) => void;

const SCENARIO_FIELDS = ['scenario', 'variants', 't', 'chart', 'req'] as const;

/** The one link mapping, read as the card's kind says: a scenario moment or a docs page. */
function convertLink(card: RawCard, path: JsonPath, report: Report): ScenarioLink | DocLink {
  const at: JsonPath = [...path, 'link'];
  const l = card.link;
  if (card.kind === 'fact') {
    for (const field of SCENARIO_FIELDS) {
      if (l[field] !== undefined) report('GL_E_SCHEMA', [...at, field], `a fact card links to a docs page; ${field} belongs to a scenario link`, 'keep only doc, or make the card kind: behaviour', true);
    }
    if (l.doc === undefined) report('GL_E_SCHEMA', at, 'a fact card needs link.doc: the docs page that explains it', 'write link: { doc: docs/<page>.md#<heading> }, or make the card kind: behaviour');
    return { doc: l.doc ?? '' };
  }
  if (l.doc !== undefined) report('GL_E_SCHEMA', [...at, 'doc'], 'a behaviour card links to a scenario moment, not a docs page', 'write link: { scenario, variants, t }, or make the card kind: fact', true);
  const missing = (['scenario', 'variants', 't'] as const).filter((f) => l[f] === undefined);
  if (missing.length > 0) report('GL_E_SCHEMA', at, `a behaviour card's link needs ${missing.join(', ')}`, 'write link: { scenario: <id>, variants: [base], t: 0s }');
  const variants = l.variants ?? [];
  const tMs = durationMs(l.t) ?? 0;
  if (tMs < 0) report('GL_E_DURATION', [...at, 't'], `t cannot be before the start of the run, got ${String(l.t)}`, 'write an offset from start such as 59s');
  const dup = variants.findIndex((v, j) => variants.indexOf(v) !== j);
  if (dup >= 0) report('GL_E_VARIANT', [...at, 'variants', dup], `variant '${variants[dup]}' is listed twice`, 'open each panel once');
  if (l.req !== undefined) {
    const variant = l.req.slice(0, l.req.indexOf('/'));
    if (!variants.includes(variant)) {
      report('GL_E_VARIANT', [...at, 'req'], `req names variant '${variant}', which the link does not open`, `open it in variants, or select a request of ${variants.join(', ')}`);
    }
  }
  return {
    scenario: l.scenario ?? '',
    variants: [...variants],
    tMs: Math.max(0, tMs),
    ...(l.chart !== undefined ? { chart: l.chart } : {}),
    ...(l.req !== undefined ? { req: l.req } : {}),
  };
}

function convertShows(card: RawCard, link: ScenarioLink | DocLink, path: JsonPath, report: Report): FlashcardShow[] | undefined {
  if (card.kind === 'fact') {
    if (card.shows) report('GL_E_SCHEMA', [...path, 'shows'], 'a fact card has nothing to run, so it cannot have shows', 'remove shows, or make the card kind: behaviour', true);
    return undefined;
  }
  if (!card.shows) {
    report('GL_E_SCHEMA', [...path, 'kind'], `behaviour card '${card.id}' needs shows: what its scenario moment demonstrates`, 'add shows with at least one expectation, or make the card kind: fact');
    return undefined;
  }
  const opened = 'variants' in link ? link.variants : [];
  return card.shows.map((entry, j): FlashcardShow => {
    const { variant, ...expectation } = entry;
    const at: JsonPath = [...path, 'shows', j];
    if (opened.length > 0 && !opened.includes(variant)) {
      report('GL_E_VARIANT', [...at, 'variant'], `shows variant '${variant}', which the link does not open`, `evaluate on one of ${opened.join(', ')}, or add it to link.variants`);
    }
    return { variant, expectation, path: at };
  });
}
