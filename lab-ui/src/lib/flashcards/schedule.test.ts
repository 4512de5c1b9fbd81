import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGAIN_GAP, answerCard, nextCard, replay, type Answer } from './schedule.ts';

const IDS = ['a', 'b', 'c', 'd', 'e'];

/** Plays a session: show the next card, answer it with the given answers in turn. */
function play(answers: readonly Answer[]): string[] {
  const shown: string[] = [];
  const history: Array<{ id: string; answer: Answer }> = [];
  for (const answer of answers) {
    const id = nextCard(IDS, replay(history).schedules) as string;
    shown.push(id);
    history.push({ id, answer });
  }
  return shown;
}

describe('flashcard schedule (Leitner boxes on a step counter)', () => {
  it('goes through a new deck in order', () => {
    expect(play(['known', 'known', 'known', 'known', 'known'])).toEqual(IDS);
  });

  it('brings an "again" card back within the next few cards', () => {
    const shown = play(['again', 'known', 'known', 'known', 'known']);
    expect(shown[0]).toBe('a');
    expect(shown.indexOf('a', 1)).toBeGreaterThan(0);
    expect(shown.indexOf('a', 1)).toBeLessThanOrEqual(AGAIN_GAP);
  });

  it('moves a known card up a box and waits longer each time', () => {
    const one = answerCard(undefined, 'known', 0);
    const two = answerCard(one, 'known', 10);
    expect(one.box).toBe(1);
    expect(two.box).toBe(2);
    expect(two.due - 10).toBeGreaterThan(one.due - 0);
    expect(answerCard(two, 'again', 20)).toEqual({ box: 0, due: 20 + AGAIN_GAP });
  });

  it('is deterministic given the history, and an "again" card is never more than AGAIN_GAP cards away', () => {
    const answers = fc.array(fc.constantFrom<Answer>('known', 'again'), { minLength: 1, maxLength: 60 });
    const seed = Date.now() % 1_000_000;
    console.log(`schedule property seed ${seed}`);
    fc.assert(
      fc.property(answers, (list) => {
        const shown = play(list);
        expect(play(list)).toEqual(shown);
        list.forEach((answer, i) => {
          if (answer !== 'again' || i + AGAIN_GAP + IDS.length - 1 >= list.length) return;
          // Another card may also be due; the again card still comes back within the gap plus the
          // others that fell due at the same step (at most the deck size).
          const back = shown.indexOf(shown[i] as string, i + 1);
          expect(back).toBeGreaterThan(i);
          expect(back - i).toBeLessThanOrEqual(AGAIN_GAP + IDS.length - 1);
        });
      }),
      { seed },
    );
  });

  it('returns null for an empty deck', () => {
    expect(nextCard([], {})).toBeNull();
  });
});
