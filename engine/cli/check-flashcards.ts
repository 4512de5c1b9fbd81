/**
 * `gatelab check` for flashcard decks: every behavioural card's moment must show what its answer says
 * (its `shows` hold on the linked run) and every factual card's docs heading must exist. Decks are the
 * YAML files under the given folders that name the deck schema (engine/exercises/flashcards-node.ts).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkFlashcardFiles } from '../exercises/flashcards-node.ts';
import type { ExerciseCheckTally } from './check-exercises.ts';
import { displayPath } from './io.ts';

export async function checkFlashcardDecks(roots: readonly string[], log: (line: string) => void = console.log): Promise<ExerciseCheckTally> {
  const tally: ExerciseCheckTally = { passed: 0, failed: 0, loadErrors: 0 };
  // Only folders are searched: a file named on the command line is a scenario or an exercise.
  const folders = roots.filter((p) => statSync(resolve(p)).isDirectory());
  if (folders.length === 0) return tally;
  for (const result of await checkFlashcardFiles(folders)) {
    const name = displayPath(resolve(result.file));
    if (!result.deck) {
      tally.failed++;
      tally.loadErrors++;
      log(`FAIL ${name}: does not load`);
      for (const line of result.failed) log(`  ${line}`);
      continue;
    }
    const cards = result.deck.cards.length;
    if (result.failed.length === 0) {
      tally.passed++;
      log(`PASS ${name} (${cards} flashcards, each link shows its answer)`);
    } else {
      tally.failed++;
      log(`FAIL ${name} (${result.passed} of ${cards} flashcards hold)`);
      for (const line of result.failed) log(`  ${line}`);
    }
  }
  return tally;
}
