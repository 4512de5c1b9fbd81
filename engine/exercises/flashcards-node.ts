/**
 * Flashcard decks on disk, for `gatelab check exercises/`: find the decks, resolve scenario ids by
 * scanning scenarios/, read docs pages, and turn every problem into one printable line. Node-only; it
 * reaches the file system through the CLI's helpers, which are the engine's one door to it.
 */
import { formatDiagnostic, hasErrors } from '../core/errors.ts';
import { findScenarioFiles, findYamlFiles, readText } from '../cli/io.ts';
import { loadScenarioFile } from '../cli/load.ts';
import type { Scenario } from '../scenario/types.ts';
import type { VariantRun } from '../runtimes/sim/run-scenario.ts';
import { checkFlashcardDeck, type FlashcardCheck } from './flashcards-check.ts';
import { loadFlashcardDeck } from './flashcards.ts';
import type { FlashcardDeck } from './flashcards-types.ts';

const DECK_MARK = /yaml-language-server:\s*\$schema=\S*flashcards\.schema\.json/;

/** A deck announces its schema on its first lines, as scenario files do. */
export function isFlashcardDeckText(text: string): boolean {
  return DECK_MARK.test(text.split('\n', 5).join('\n'));
}

export interface DeckFileResult {
  file: string;
  deck?: FlashcardDeck;
  /** Cards whose checks passed. */
  passed: number;
  /** One line per problem: load errors, then `file:line:col: card <id>: …` for each failing check. */
  failed: string[];
  cards: FlashcardCheck[];
}

export interface NodeCheckOptions {
  /** Runs shared between decks; one map per session so each (scenario, variant) runs once. */
  runs?: Map<string, Promise<VariantRun>>;
}

/**
 * The repository root a deck belongs to: the part of its path before `exercises/`, so scenario ids and
 * docs links resolve the same whether the path is relative to the working directory or absolute.
 */
export function rootOf(file: string): string {
  const normal = file.replace(/\\/g, '/');
  const at = normal.lastIndexOf('exercises/');
  return at < 0 ? '' : normal.slice(0, at);
}

const resolvers = new Map<string, (id: string) => Scenario | undefined>();

/** Scenario ids of one repository, found by file name (scenarios/<topic>/<id>.yaml) and loaded once. */
export function scenarioResolver(root: string): (id: string) => Scenario | undefined {
  let resolver = resolvers.get(root);
  if (resolver) return resolver;
  let files: Map<string, string> | undefined;
  const loaded = new Map<string, Scenario | undefined>();
  resolver = (id) => {
    files ??= new Map(findScenarioFiles([`${root}scenarios`]).map((f) => [f.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, ''), f]));
    if (!loaded.has(id)) {
      const file = files.get(id);
      const result = file ? loadScenarioFile(file) : undefined;
      const scenario = result?.scenario && !hasErrors(result.diagnostics) && result.scenario.id === id ? result.scenario : undefined;
      loaded.set(id, scenario);
    }
    return loaded.get(id);
  };
  resolvers.set(root, resolver);
  return resolver;
}

/** Repository files for doc links; a path that climbs out of the repository reads as missing. */
export function docReader(root: string): (path: string) => string | undefined {
  return (path) => {
    if (path.split('/').includes('..')) return undefined;
    try {
      return readText(`${root}${path}`);
    } catch {
      return undefined;
    }
  };
}

async function checkOneDeck(file: string, runs: Map<string, Promise<VariantRun>>): Promise<DeckFileResult> {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { file, passed: 0, failed: [`${file}:1:1: error GL_E_FILE: cannot read the deck: ${reason}`], cards: [] };
  }
  const { deck, diagnostics } = loadFlashcardDeck(text, file);
  if (!deck) return { file, passed: 0, failed: diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), cards: [] };
  const root = rootOf(file);
  const cards = await checkFlashcardDeck(deck, scenarioResolver(root), { runs, readDoc: docReader(root) });
  return { file, deck, passed: cards.filter((c) => c.pass).length, failed: cards.flatMap((c) => c.failures), cards };
}

/**
 * Every deck under the given files and folders (a folder contributes the YAML files that name the
 * deck schema; a file given by name is always read as a deck), checked card by card, with card ids
 * also checked for uniqueness across all of them.
 */
export async function checkFlashcardFiles(paths: readonly string[], opts: NodeCheckOptions = {}): Promise<DeckFileResult[]> {
  const runs = opts.runs ?? new Map<string, Promise<VariantRun>>();
  const files = paths.flatMap((p) => (/\.ya?ml$/.test(p) ? [p] : findYamlFiles([p], isFlashcardDeckText)));
  const results: DeckFileResult[] = [];
  const owner = new Map<string, string>();
  for (const file of files) {
    const result = await checkOneDeck(file, runs);
    for (const card of result.deck?.cards ?? []) {
      const first = owner.get(card.id);
      if (first === undefined) {
        owner.set(card.id, file);
        continue;
      }
      const loc = card.map.locate([...card.path, 'id']);
      result.failed.push(`${loc.file}:${loc.line}:${loc.col}: card ${card.id}: the id is already used in ${first}; card ids are unique across all decks`);
      const check = result.cards.find((c) => c.id === card.id);
      if (check?.pass) result.passed--;
    }
    results.push(result);
  }
  return results;
}

/** One deck file: how many cards passed, and a line for each problem (what `gatelab check exercises/` prints). */
export async function checkFlashcardDeckFile(file: string, opts: NodeCheckOptions = {}): Promise<{ passed: number; failed: string[] }> {
  const [result] = await checkFlashcardFiles([file], opts);
  return { passed: result?.passed ?? 0, failed: result?.failed ?? [] };
}
