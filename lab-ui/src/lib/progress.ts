/**
 * The student's progress, kept in local storage: flashcards (last answer, Leitner box, when last
 * seen) and exercises passed. One versioned JSON value, so it exports as a file and imports back.
 * An import is validated whole before anything changes: a bad file leaves the progress as it was.
 */
import type { StorageLike } from './drafts.ts';
import { answerCard, type Answer, type CardSchedule } from './flashcards/schedule.ts';

export const PROGRESS_VERSION = 1;
const PROGRESS_KEY = `gatelab:progress:v${PROGRESS_VERSION}`;

export interface CardProgress extends CardSchedule {
  last: Answer;
  /** Epoch ms of the last answer, from the page's clock (informational; the order uses steps). */
  seenAt: number;
}

export interface ExerciseProgress {
  passed: boolean;
  at: number;
}

export interface Progress {
  version: typeof PROGRESS_VERSION;
  /** Answers given per deck (its file): the step counter the schedule runs on. */
  steps: Record<string, number>;
  cards: Record<string, CardProgress>;
  exercises: Record<string, ExerciseProgress>;
}

export type ImportResult = { ok: true } | { ok: false; reason: string };

export function emptyProgress(): Progress {
  return { version: PROGRESS_VERSION, steps: {}, cards: {}, exercises: {} };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a parsed value is a progress file; the first problem found, named by its place, or null. */
export function progressProblem(v: unknown): string | null {
  if (!isRecord(v)) return 'the file is not a JSON object';
  if (v.version !== PROGRESS_VERSION) return `"version" is ${JSON.stringify(v.version)}, this lab reads version ${PROGRESS_VERSION}`;
  for (const field of ['steps', 'cards', 'exercises'] as const) if (!isRecord(v[field])) return `"${field}" must be an object`;
  for (const [deck, n] of Object.entries(v.steps as Record<string, unknown>)) if (!isCount(n)) return `steps["${deck}"] must be a whole number ≥ 0`;
  for (const [id, c] of Object.entries(v.cards as Record<string, unknown>)) {
    if (!isRecord(c)) return `cards["${id}"] must be an object`;
    if (c.last !== 'known' && c.last !== 'again') return `cards["${id}"].last must be "known" or "again"`;
    if (!isCount(c.box) || !isCount(c.due)) return `cards["${id}"].box and .due must be whole numbers ≥ 0`;
    if (!isTime(c.seenAt)) return `cards["${id}"].seenAt must be a time in ms`;
  }
  for (const [id, e] of Object.entries(v.exercises as Record<string, unknown>)) {
    if (!isRecord(e) || typeof e.passed !== 'boolean' || !isTime(e.at)) return `exercises["${id}"] must be { passed: boolean, at: ms }`;
  }
  return null;
}

/** Only the fields the format knows, so an imported file cannot smuggle anything else into storage. */
function clean(v: Progress): Progress {
  const cards: Record<string, CardProgress> = {};
  for (const [id, c] of Object.entries(v.cards)) cards[id] = { box: c.box, due: c.due, last: c.last, seenAt: c.seenAt };
  const exercises: Record<string, ExerciseProgress> = {};
  for (const [id, e] of Object.entries(v.exercises)) exercises[id] = { passed: e.passed, at: e.at };
  return { version: PROGRESS_VERSION, steps: { ...v.steps }, cards, exercises };
}

export class ProgressStore {
  private state: Progress;
  /** Why the stored value could not be read or written, for the page to show; null when all is well. */
  problem: string | null = null;

  constructor(
    private readonly storage: StorageLike | null,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.state = this.load();
  }

  get(): Readonly<Progress> {
    return this.state;
  }

  step(deck: string): number {
    return this.state.steps[deck] ?? 0;
  }

  knownCount(ids?: readonly string[]): number {
    return Object.entries(this.state.cards).filter(([id, c]) => c.last === 'known' && (!ids || ids.includes(id))).length;
  }

  passedCount(): number {
    return Object.values(this.state.exercises).filter((e) => e.passed).length;
  }

  /** Records an answer to a card of `deck` and advances that deck's step. */
  answer(deck: string, id: string, answer: Answer): CardProgress {
    const step = this.step(deck);
    const card: CardProgress = { ...answerCard(this.state.cards[id], answer, step), last: answer, seenAt: this.clock() };
    this.state = { ...this.state, steps: { ...this.state.steps, [deck]: step + 1 }, cards: { ...this.state.cards, [id]: card } };
    this.save();
    return card;
  }

  /** For the exercises mode: a pass stays a pass (a later failed attempt does not take it away). */
  markExercise(id: string, passed: boolean): void {
    const before = this.state.exercises[id];
    const entry: ExerciseProgress = { passed: passed || (before?.passed ?? false), at: this.clock() };
    this.state = { ...this.state, exercises: { ...this.state.exercises, [id]: entry } };
    this.save();
  }

  exportJson(): string {
    return `${JSON.stringify(this.state, null, 2)}\n`;
  }

  /** Replaces the progress with a file's; on any problem nothing changes and the reason is returned. */
  importJson(text: string): ImportResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return { ok: false, reason: `the file is not JSON (${e instanceof Error ? e.message : String(e)})` };
    }
    const problem = progressProblem(parsed);
    if (problem) return { ok: false, reason: problem };
    this.state = clean(parsed as Progress);
    this.save();
    return { ok: true };
  }

  reset(): void {
    this.state = emptyProgress();
    this.save();
  }

  private load(): Progress {
    let raw: string | null = null;
    try {
      raw = this.storage?.getItem(PROGRESS_KEY) ?? null;
    } catch {
      raw = null;
    }
    if (raw === null) return emptyProgress();
    try {
      const parsed: unknown = JSON.parse(raw);
      const problem = progressProblem(parsed);
      if (!problem) return clean(parsed as Progress);
      this.problem = `Stored progress was not readable (${problem}); starting fresh.`;
    } catch {
      this.problem = 'Stored progress was not JSON; starting fresh.';
    }
    return emptyProgress();
  }

  private save(): void {
    if (!this.storage) {
      this.problem = 'This browser offers no storage to this page: progress lasts until you leave. Export it to keep it.';
      return;
    }
    try {
      this.storage.setItem(PROGRESS_KEY, JSON.stringify(this.state));
      this.problem = null;
    } catch (e) {
      this.problem = `Progress was not saved (${e instanceof Error ? e.message : String(e)}). Export it to keep it.`;
    }
  }
}
