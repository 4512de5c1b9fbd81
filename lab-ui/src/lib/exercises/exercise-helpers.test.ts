import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../../engine/trace/events.ts';
import { bundleReader, designPassed, exerciseFileOf, formatMemory, listExercises, peakMemoryBytes, questionsPassed, repositoryPaths } from './exercise-helpers.ts';
import { ExerciseDrafts } from './exercise-drafts.ts';
import { modeFromSearch, searchWithMode } from './mode-url.ts';
import type { DesignGrade, QuestionGrade } from './exercise-protocol.ts';

const FILES = repositoryPaths({
  '../../../../exercises/01-read/exercise.yaml': 'id: 01-read\ntitle: "Exercise 1: read"\nprompt: x\nquestions: []\n',
  '../../../../exercises/02-design/exercise.yaml': "id: 02-design\ntitle: 'Design it'\ndesign: {}\n",
  '../../../../exercises/02-design/starter.yaml': 'services: []\n',
  '../../../../exercises/flashcards/01-gateways.yaml': 'cards: []\n',
});

describe('exercise helpers', () => {
  it('lists exercises from their top-level keys, titles unquoted, other files skipped', () => {
    expect(listExercises(FILES)).toEqual([
      { id: '01-read', title: 'Exercise 1: read', kind: 'questions' },
      { id: '02-design', title: 'Design it', kind: 'design' },
    ]);
    expect(exerciseFileOf('02-design', FILES)).toBe('exercises/02-design/exercise.yaml');
    expect(exerciseFileOf('flashcards', FILES)).toBeUndefined();
  });

  it('a bundle reader tries bundles in order and names what is bundled when a file is missing', () => {
    const read = bundleReader(new Map([['a.yaml', 'first']]), new Map([['a.yaml', 'second'], ['b.yaml', 'b']]));
    expect(read('./a.yaml')).toBe('first');
    expect(read('b.yaml')).toBe('b');
    expect(() => read('c.yaml')).toThrow(/'c.yaml' is not bundled.*scenarios\/ and exercises\//);
  });

  it('peak memory is the largest replica sample, null without samples', () => {
    const q = (memory: number): TraceEvent => ({ type: 'replica.queue', t: 0, replica: 'r', slots: 0, queued: 0, cpu: 0, cpuBacklogMs: 0, memory }) as unknown as TraceEvent;
    expect(peakMemoryBytes([])).toBeNull();
    expect(peakMemoryBytes([q(5), q(9), q(2)])).toBe(9);
    expect(formatMemory(3 * 1024 * 1024)).toBe('3.0 MiB');
    expect(formatMemory(null)).toBe('—');
  });

  it('an exercise passes only when every question or requirement does', () => {
    const g = (questionId: string, correct: boolean) => ({ questionId, correct }) as QuestionGrade;
    expect(questionsPassed(['a', 'b'], [g('a', true), g('b', true)])).toBe(true);
    expect(questionsPassed(['a', 'b'], [g('a', true)])).toBe(false);
    expect(questionsPassed(['a', 'b'], [g('a', true), g('b', false)])).toBe(false);
    expect(questionsPassed([], [])).toBe(false);
    const d = (...met: boolean[]) => ({ requirements: met.map((m, i) => ({ id: String(i), met: m })), diagnostics: [] }) as unknown as DesignGrade;
    expect(designPassed(d(true, true))).toBe(true);
    expect(designPassed(d(true, false))).toBe(false);
    expect(designPassed(d())).toBe(false);
  });

  it('the mode round-trips through the query, other parameters kept (fast-check, seed printed)', () => {
    const modes = ['scenarios', 'flashcards', 'exercises'];
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`mode-url property seed ${seed}`);
    fc.assert(
      fc.property(fc.constantFrom(...modes), fc.dictionary(fc.constantFrom('a', 'b', 'exercise'), fc.string({ maxLength: 6 })), (mode, extra) => {
        const search = searchWithMode(`?${new URLSearchParams(extra).toString()}`, mode, 'scenarios');
        expect(modeFromSearch(search, modes, 'scenarios')).toBe(mode);
        const params = new URLSearchParams(search);
        for (const k of ['a', 'b']) expect(params.get(k)).toBe(extra[k] ?? null);
        if (mode !== 'exercises') expect(params.has('exercise')).toBe(false);
      }),
      { seed, numRuns: 200 },
    );
    expect(modeFromSearch('?mode=bogus', modes, 'scenarios')).toBe('scenarios');
    expect(searchWithMode('?mode=exercises', 'scenarios', 'scenarios')).toBe('');
  });

  it('drafts are kept per exercise, and a refusing storage is reported, not thrown', () => {
    const map = new Map<string, string>();
    const storage = { length: 0, key: () => null, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
    const drafts = new ExerciseDrafts(storage);
    expect(drafts.save('02-design', 'text')).toBe(true);
    expect(drafts.read('02-design')).toBe('text');
    expect(drafts.read('01-read')).toBeNull();
    drafts.discard('02-design');
    expect(drafts.read('02-design')).toBeNull();
    const full = new ExerciseDrafts({ ...storage, setItem: () => { throw new Error('QuotaExceededError'); } });
    expect(full.save('02-design', 'x')).toBe(false);
    expect(new ExerciseDrafts(null).save('02-design', 'x')).toBe(false);
  });
});
