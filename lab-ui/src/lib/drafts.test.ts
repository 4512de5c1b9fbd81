import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DraftStore, draftKey } from './drafts.ts';
import { DraftSaver, type Timers } from './drafts-saver.ts';
import { FakeStorage } from './drafts-testing.ts';

const S = 'scenarios/rate-limiting/boundary-burst.yaml';
const CFG = 'scenarios/rate-limiting/configs/kong.yaml';

describe('DraftStore', () => {
  it('keeps a draft per scenario and file under a versioned key, and a new store reads it back', () => {
    const storage = new FakeStorage();
    expect(new DraftStore(storage).save(S, S, 'id: x\n')).toEqual({ ok: true });
    new DraftStore(storage).save(S, CFG, 'services: []\n');
    expect(draftKey(S, S)).toMatch(/^gatelab:draft:v1:/);
    const again = new DraftStore(storage);
    expect(again.read(S, S)).toEqual({ kind: 'draft', text: 'id: x\n' });
    expect(again.files(S)).toEqual({ [S]: 'id: x\n', [CFG]: 'services: []\n' });
    expect(again.scenarios()).toEqual([S]);
    // The same config file edited for another scenario is that scenario's draft, not this one's.
    expect(again.read('scenarios/other.yaml', CFG)).toEqual({ kind: 'missing' });
  });

  it('discards one file or the whole scenario', () => {
    const store = new DraftStore(new FakeStorage());
    store.save(S, S, 'a');
    store.save(S, CFG, 'b');
    store.discard(S, CFG);
    expect(store.files(S)).toEqual({ [S]: 'a' });
    store.discard(S);
    expect(store.scenarios()).toEqual([]);
  });

  it('a full storage keeps the text in memory and says why', () => {
    const storage = new FakeStorage();
    const store = new DraftStore(storage);
    storage.full = true;
    const r = store.save(S, S, 'typed while full');
    expect(r).toEqual({ ok: false, reason: 'the browser storage for this page is full' });
    expect(store.read(S, S)).toEqual({ kind: 'draft', text: 'typed while full' });
    expect(store.files(S)).toEqual({ [S]: 'typed while full' });
    storage.full = false;
    expect(store.save(S, S, 'later')).toEqual({ ok: true });
    expect(new DraftStore(storage).read(S, S)).toEqual({ kind: 'draft', text: 'later' });
  });

  it('reports a damaged or foreign value as corrupt and never as text', () => {
    const storage = new FakeStorage();
    storage.data.set(draftKey(S, S), '{not json');
    storage.data.set(draftKey(S, CFG), JSON.stringify({ v: 99, text: 'from the future' }));
    const store = new DraftStore(storage);
    expect(store.read(S, S)).toEqual({ kind: 'corrupt', reason: 'the stored value is not JSON' });
    expect(store.read(S, CFG).kind).toBe('corrupt');
    expect(store.files(S)).toEqual({});
  });

  it('works without any storage (everything in memory)', () => {
    const store = new DraftStore(null);
    expect(store.save(S, S, 'x').ok).toBe(false);
    expect(store.read(S, S)).toEqual({ kind: 'draft', text: 'x' });
  });

  it('keeps local scenarios apart from drafts and removes both together', () => {
    const store = new DraftStore(new FakeStorage());
    store.saveLocal('local/mine.yaml', 'id: mine');
    store.save('local/mine.yaml', 'local/mine.yaml', 'id: mine # edited');
    expect(store.localFiles()).toEqual(['local/mine.yaml']);
    expect(store.readLocal('local/mine.yaml')).toEqual({ kind: 'draft', text: 'id: mine' });
    store.removeLocal('local/mine.yaml');
    expect(store.localFiles()).toEqual([]);
    expect(store.scenarios()).toEqual([]);
  });

  it('keeps a file called __proto__ as a key of its scenario, not as a prototype', () => {
    const storage = new FakeStorage();
    new DraftStore(storage).save('s.yaml', '__proto__', 'id: odd');
    const files = new DraftStore(storage).files('s.yaml');
    expect(Object.keys(files)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(files)).toBe(Object.prototype);
    expect(files['__proto__']).toBe('id: odd');
  });

  it('round-trips any paths and text (fast-check)', () => {
    const seed = Date.now() % 100000;
    console.log(`drafts round-trip fast-check seed: ${seed}`);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string({ unit: 'grapheme', maxLength: 200 }), (scenario, path, text) => {
        const storage = new FakeStorage();
        new DraftStore(storage).save(scenario, path, text);
        const again = new DraftStore(storage);
        expect(again.read(scenario, path)).toEqual({ kind: 'draft', text });
        expect(again.files(scenario)[path]).toBe(text);
      }),
      { seed, numRuns: 200 },
    );
  });
});

/** Timers driven by hand: `fire` runs what is due. */
function handTimers(): Timers & { fire(): void; pending(): number } {
  let waiting: Array<{ run: () => void; id: number }> = [];
  let next = 1;
  return {
    set: (run) => {
      waiting.push({ run, id: next });
      return next++;
    },
    clear: (id) => {
      waiting = waiting.filter((w) => w.id !== id);
    },
    fire: () => {
      const due = waiting;
      waiting = [];
      for (const w of due) w.run();
    },
    pending: () => waiting.length,
  };
}

describe('DraftSaver', () => {
  it('saves once after typing stops, with the newest text', () => {
    const storage = new FakeStorage();
    const store = new DraftStore(storage);
    const timers = handTimers();
    const reports: string[] = [];
    const saver = new DraftSaver(store, (r, _s, p) => reports.push(`${p}:${r.ok}`), 300, timers);
    saver.queue(S, S, 'a');
    saver.queue(S, S, 'ab');
    saver.queue(S, S, 'abc');
    expect(timers.pending()).toBe(1);
    expect(storage.data.size).toBe(0);
    timers.fire();
    expect(store.read(S, S)).toEqual({ kind: 'draft', text: 'abc' });
    expect(reports).toEqual([`${S}:true`]);
  });

  it('flush writes at once (the page is unloading); forget drops a file reset to its original', () => {
    const store = new DraftStore(new FakeStorage());
    const timers = handTimers();
    const saver = new DraftSaver(store, () => {}, 300, timers);
    saver.queue(S, S, 'kept');
    saver.queue(S, CFG, 'dropped');
    saver.forget(S, CFG);
    saver.flush();
    expect(timers.pending()).toBe(0);
    expect(store.files(S)).toEqual({ [S]: 'kept' });
  });
});
