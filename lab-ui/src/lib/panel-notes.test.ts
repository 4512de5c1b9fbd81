import { describe, expect, it } from 'vitest';
import { changesNote, editorRunNote, oomKillsNote } from './panel-notes.ts';

describe("a variant panel's notes", () => {
  it('does not pass the kills known while streaming off as the total', () => {
    expect(oomKillsNote(0, 14, true)).toBe('0 OOM kills so far (14 in the part simulated yet)');
    expect(oomKillsNote(1, 1, true)).toBe('1 OOM kill so far (1 in the part simulated yet)');
    expect(oomKillsNote(1, 34, false)).toBe('1 of 34 OOM kills so far');
    expect(oomKillsNote(1, 1, false)).toBe('1 of 1 OOM kill so far');
  });

  it('says "1 request", not "1 requests"', () => {
    expect(changesNote(1, false, 'base')).toBe('1 request ended differently than in base');
    expect(changesNote(2, false, 'base')).toBe('2 requests ended differently than in base');
    expect(changesNote(200, true, 'base')).toBe('200+ requests ended differently than in base');
    expect(changesNote(0, false, 'base')).toBe('No request has ended differently than in base yet');
  });
});

describe("the editor's line about the run below it", () => {
  it('says a run streams and can be played before it ends, then that it finished', () => {
    const progress = { phase: 'simulate', done: 27, total: 100 };
    expect(editorRunNote([])).toBeNull();
    expect(editorRunNote([{ status: 'running', playable: false, progress: null }])).toBe('Running (starting): the player below fills in as the engine goes.');
    expect(editorRunNote([{ status: 'running', playable: true, progress }])).toBe('Running (27 % simulated): the start can be played already in the player below.');
    // The slowest panel says how far the shared timeline is.
    expect(editorRunNote([{ status: 'running', playable: true, progress }, { status: 'running', playable: true, progress: { ...progress, done: 12 } }])).toMatch(/^Running \(12 % simulated\)/);
    expect(editorRunNote([{ status: 'ready', playable: true, progress: null }])).toBe('Run finished: play it in the player below.');
    // An error is the diagnostics' to tell.
    expect(editorRunNote([{ status: 'error', playable: false, progress: null }])).toBeNull();
  });
});
