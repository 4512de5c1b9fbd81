import { describe, expect, it } from 'vitest';
import { ReplayCursor, type FrameScheduler } from './cursor.svelte.ts';

function fakeFrames(): FrameScheduler & { fire(ms: number): void } {
  let now = 0;
  let pending: ((t: number) => void) | null = null;
  return {
    request(cb) {
      pending = cb;
      return 1;
    },
    cancel() {
      pending = null;
    },
    now: () => now,
    fire(ms) {
      now += ms;
      const cb = pending;
      pending = null;
      cb?.(now);
    },
  };
}

function cursor(): { c: ReplayCursor; frames: ReturnType<typeof fakeFrames> } {
  const frames = fakeFrames();
  const c = new ReplayCursor(frames);
  c.endT = 120_000;
  c.steps = Float64Array.from([0, 59_000, 59_020, 61_000, 120_000]);
  c.narration = [{ t: 0, text: 'a' }, { t: 59_000, text: 'b' }, { t: 60_000, text: 'c' }];
  return { c, frames };
}

describe('ReplayCursor', () => {
  it('plays at its speed and pauses', () => {
    const { c, frames } = cursor();
    c.seek(59_000);
    c.setSpeed(2);
    c.play();
    frames.fire(100);
    expect(c.time).toBe(59_200);
    c.pause();
    frames.fire(100);
    expect(c.time).toBe(59_200);
    expect(c.playing).toBe(false);
  });

  it('skips quiet stretches unless told not to', () => {
    const { c, frames } = cursor();
    c.play();
    frames.fire(16);
    expect(c.time).toBe(58_600);
    c.pause();
    c.seek(0);
    c.skipQuiet = false;
    c.play();
    frames.fire(16);
    expect(c.time).toBe(16);
  });

  it('stops at the end, and plays again from the start', () => {
    const { c, frames } = cursor();
    c.seek(119_990);
    c.play();
    frames.fire(100);
    expect(c.time).toBe(120_000);
    expect(c.playing).toBe(false);
    c.play();
    expect(c.time).toBe(0);
  });

  it('steps through events and narration points', () => {
    const { c } = cursor();
    c.stepNext();
    expect(c.time).toBe(59_000);
    c.stepNext();
    expect(c.time).toBe(59_020);
    c.stepPrev();
    expect(c.time).toBe(59_000);
    c.narrationNext();
    expect(c.time).toBe(60_000);
    c.narrationPrev();
    expect(c.time).toBe(59_000);
    c.narrationNext();
    c.narrationNext();
    expect(c.time).toBe(120_000);
  });

  it('keeps speed within 0.1× and 1000×', () => {
    const { c } = cursor();
    c.setSpeed(5000);
    expect(c.speed).toBe(1000);
    c.setSpeed(0.01);
    expect(c.speed).toBe(0.1);
    c.faster();
    expect(c.speed).toBe(0.25);
    c.seek(-5);
    expect(c.time).toBe(0);
  });

  it('waits at the edge of a trace that is still arriving, and plays on as it grows', () => {
    const { c, frames } = cursor();
    c.skipQuiet = false;
    c.endT = 1_000;
    c.growing = true;
    c.seek(5_000);
    expect(c.time).toBe(1_000);
    c.play();
    // At the edge, play does not rewind to the start while more is coming.
    expect(c.time).toBe(1_000);
    expect(c.waiting).toBe(true);
    frames.fire(100);
    expect(c.playing).toBe(true);
    expect(c.time).toBe(1_000);
    c.endT = 2_000;
    expect(c.waiting).toBe(false);
    frames.fire(100);
    expect(c.time).toBe(1_100);
    frames.fire(250);
    frames.fire(250);
    frames.fire(250);
    frames.fire(250);
    expect(c.time).toBe(2_000);
    expect(c.waiting).toBe(true);
    // The runs are done: reaching the end now stops, and play starts over.
    c.growing = false;
    frames.fire(100);
    expect(c.playing).toBe(false);
    c.play();
    expect(c.time).toBe(0);
  });
});
