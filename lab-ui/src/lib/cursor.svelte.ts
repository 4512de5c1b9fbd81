/**
 * The replay cursor: { time, playing, speed }. Every view reads it; nothing else moves time. The
 * frame scheduler is injected so tests can drive playback without a browser's animation frames.
 */
import { advance, clampTime, nextSpeed, nextStep, prevStep, SPEEDS } from './derive/cursor-math.ts';
import { nextNarration, prevNarration } from './derive/narration.ts';

export interface FrameScheduler {
  request(cb: (now: number) => void): number;
  cancel(id: number): void;
  now(): number;
}

export const browserFrames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (id) => cancelAnimationFrame(id),
  now: () => performance.now(),
};

export class ReplayCursor {
  time = $state(0);
  playing = $state(false);
  speed = $state(1);
  /** How far the loaded runs reach: the longest run's end, or, while they stream, what is known. */
  endT = $state(0);
  /**
   * Runs are still streaming: endT will grow. Playing into it then waits at the edge, still
   * playing, and moves on as the trace arrives, instead of stopping.
   */
  growing = $state(false);
  /** Skip stretches where nothing happens. */
  skipQuiet = $state(true);
  /** Sorted distinct event times of every panel: what stepping walks. Raw: a large typed array. */
  steps = $state.raw<Float64Array>(new Float64Array());
  narration = $state.raw<ReadonlyArray<{ t: number; text: string }>>([]);

  private frame: number | null = null;
  private last = 0;

  constructor(private readonly frames: FrameScheduler = browserFrames) {}

  play(): void {
    if (this.playing) return;
    if (this.time >= this.endT && !this.growing) this.time = 0;
    this.playing = true;
    this.last = this.frames.now();
    this.frame = this.frames.request(this.tick);
  }

  pause(): void {
    this.playing = false;
    if (this.frame !== null) this.frames.cancel(this.frame);
    this.frame = null;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Playing, but at the edge of a trace that is still arriving. */
  get waiting(): boolean {
    return this.playing && this.growing && this.time >= this.endT;
  }

  seek(t: number): void {
    this.time = clampTime(t, this.endT);
  }

  stepNext(): void {
    this.pause();
    const n = nextStep(this.steps, this.time);
    if (n !== null) this.seek(n);
  }

  stepPrev(): void {
    this.pause();
    const p = prevStep(this.steps, this.time);
    if (p !== null) this.seek(p);
  }

  narrationNext(): void {
    this.pause();
    const n = nextNarration(this.narration, this.time);
    this.seek(n ?? this.endT);
  }

  narrationPrev(): void {
    this.pause();
    this.seek(prevNarration(this.narration, this.time) ?? 0);
  }

  setSpeed(s: number): void {
    this.speed = Math.min(SPEEDS[SPEEDS.length - 1] as number, Math.max(SPEEDS[0] as number, s));
  }

  faster(): void {
    this.speed = nextSpeed(this.speed, 1);
  }

  slower(): void {
    this.speed = nextSpeed(this.speed, -1);
  }

  private readonly tick = (now: number): void => {
    if (!this.playing) return;
    // A tab in the background delivers frames late; cap one frame's jump so time never leaps.
    const dt = Math.min(250, now - this.last);
    this.last = now;
    const r = advance({ t: this.time, dtWall: dt, speed: this.speed, endT: this.endT, steps: this.steps, ...(this.skipQuiet ? {} : { quietWallMs: Infinity }) });
    this.time = r.t;
    if (r.ended && !this.growing) this.pause();
    else this.frame = this.frames.request(this.tick);
  };
}
