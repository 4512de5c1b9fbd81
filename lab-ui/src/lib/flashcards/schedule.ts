/**
 * Which card comes next: Leitner boxes on a step counter (one step per answer), not on wall time, so
 * the order follows from the answers alone and a test can replay it.
 *
 * - A new card is due at its place in the deck, so the first pass goes through the deck in order.
 * - "Again" drops a card to box 0 and makes it due AGAIN_GAP steps later: it comes back within the
 *   next few cards, while it is still fresh.
 * - "Known" moves a card up a box; each box waits twice as long as the one below.
 * The next card is the one due soonest; ties go to the lower box (the weaker card), then deck order.
 */

export type Answer = 'known' | 'again';

export interface CardSchedule {
  box: number;
  /** The step at which the card is due again. */
  due: number;
}

export const AGAIN_GAP = 3;
/** Steps a known card waits, by the box it moves into (1 → 4, 2 → 8, …); the last box repeats. */
export const BOX_GAPS: readonly number[] = [AGAIN_GAP, 4, 8, 16, 32];
export const TOP_BOX = BOX_GAPS.length - 1;

/** The card's schedule after an answer given at `step`. */
export function answerCard(before: CardSchedule | undefined, answer: Answer, step: number): CardSchedule {
  if (answer === 'again') return { box: 0, due: step + AGAIN_GAP };
  const box = Math.min(TOP_BOX, (before?.box ?? 0) + 1);
  return { box, due: step + (BOX_GAPS[box] as number) };
}

/**
 * The id of the card to show next, or null for an empty deck. The current step is not needed: a
 * practice session shows the soonest-due card even before it is due, rather than nothing.
 */
export function nextCard(ids: readonly string[], schedules: Readonly<Record<string, CardSchedule>>): string | null {
  let best: { id: string; due: number; box: number; place: number } | null = null;
  ids.forEach((id, place) => {
    const s = schedules[id];
    // An unseen card is due at its place in the deck (offset by the step it was first met at would
    // make the order depend on when the deck was opened, which is not part of the history).
    const due = s ? s.due : place;
    const box = s ? s.box : 0;
    if (!best || due < best.due || (due === best.due && (box < best.box || (box === best.box && place < best.place)))) best = { id, due, box, place };
  });
  // The non-null assertion TypeScript cannot see through forEach's closure.
  return (best as { id: string } | null)?.id ?? null;
}

/** Replays a history of answers from an empty schedule: the state the store would hold after it. */
export function replay(history: ReadonlyArray<{ id: string; answer: Answer }>): { schedules: Record<string, CardSchedule>; step: number } {
  const schedules: Record<string, CardSchedule> = {};
  history.forEach(({ id, answer }, step) => {
    schedules[id] = answerCard(schedules[id], answer, step);
  });
  return { schedules, step: history.length };
}
