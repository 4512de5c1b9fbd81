import { describe, expect, it } from 'vitest';
import { FakeStorage } from './drafts-testing.ts';
import { ProgressStore, emptyProgress, progressProblem } from './progress.ts';

const DECK = 'exercises/flashcards/02-rate-limiting-and-resilience.yaml';

function store(storage = new FakeStorage(), t = 1000): ProgressStore {
  return new ProgressStore(storage, () => t);
}

describe('progress store', () => {
  it('records answers with box, step and when last seen, and survives a new store on the same storage', () => {
    const storage = new FakeStorage();
    const a = store(storage);
    a.answer(DECK, 'boundary-burst', 'known');
    a.answer(DECK, 'token-bucket', 'again');
    const b = store(storage);
    expect(b.knownCount()).toBe(1);
    expect(b.step(DECK)).toBe(2);
    expect(b.get().cards['boundary-burst']).toEqual({ box: 1, due: 4, last: 'known', seenAt: 1000 });
    expect(b.get().cards['token-bucket']?.last).toBe('again');
  });

  it('marks exercises; a later failure does not take a pass away', () => {
    const s = store();
    s.markExercise('ex-1', false);
    expect(s.passedCount()).toBe(0);
    s.markExercise('ex-1', true);
    s.markExercise('ex-1', false);
    expect(s.passedCount()).toBe(1);
  });

  it('round-trips through export and import', () => {
    const a = store();
    a.answer(DECK, 'boundary-burst', 'known');
    a.markExercise('ex-1', true);
    const b = store();
    expect(b.importJson(a.exportJson())).toEqual({ ok: true });
    expect(b.get()).toEqual(a.get());
  });

  it('refuses a corrupt or foreign file and changes nothing', () => {
    const s = store();
    s.answer(DECK, 'boundary-burst', 'known');
    const before = s.exportJson();
    const bad = [
      'not json',
      '[]',
      JSON.stringify({ ...emptyProgress(), version: 2 }),
      JSON.stringify({ ...emptyProgress(), cards: { x: { box: -1, due: 0, last: 'known', seenAt: 0 } } }),
      JSON.stringify({ ...emptyProgress(), cards: { x: { box: 1, due: 0, last: 'maybe', seenAt: 0 } } }),
      JSON.stringify({ ...emptyProgress(), exercises: { e: { passed: 'yes', at: 0 } } }),
      JSON.stringify({ version: 1, cards: {} }),
    ];
    for (const text of bad) {
      const r = s.importJson(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
      expect(s.exportJson()).toBe(before);
    }
  });

  it('names the field that is wrong', () => {
    expect(progressProblem({ ...emptyProgress(), steps: { d: 1.5 } })).toContain('steps["d"]');
  });

  it('starts fresh over damaged storage and says so; a full storage keeps the session going', () => {
    const storage = new FakeStorage();
    storage.setItem('gatelab:progress:v1', '{broken');
    const s = store(storage);
    expect(s.problem).toContain('not JSON');
    expect(s.knownCount()).toBe(0);
    storage.full = true;
    s.answer(DECK, 'boundary-burst', 'known');
    expect(s.knownCount()).toBe(1);
    expect(s.problem).toContain('not saved');
  });

  it('strips unknown fields on import', () => {
    const s = store();
    const file = { ...emptyProgress(), extra: 'x', cards: { c: { box: 1, due: 2, last: 'known', seenAt: 5, note: 'hi' } } };
    expect(s.importJson(JSON.stringify(file)).ok).toBe(true);
    expect(s.get()).toEqual({ ...emptyProgress(), cards: { c: { box: 1, due: 2, last: 'known', seenAt: 5 } } });
  });
});
