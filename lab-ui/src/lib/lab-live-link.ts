/**
 * The lab attached to a running `gatelab serve`: the EventSource session and what each flush of its
 * trace does to the lab's one live panel and the cursor. The lab owns the state; this owns the link.
 */
import type { ScenarioInfo } from '../worker/protocol.ts';
import type { TraceEvent } from '../../../engine/trace/events.ts';
import type { ReplayCursor } from './cursor.svelte.ts';
import { buildTraceIndex, type TraceIndex } from './derive/trace-index.ts';
import { LiveSession, type LiveDeps, type LiveStatus } from './live-session.ts';
import { shouldFollow } from './live-trace.ts';

/** What the scenario header shows about the link. */
export interface LiveView {
  admin: string;
  status: LiveStatus;
  message: string | null;
  events: number;
  dropped: number;
}

/** The parts of the lab a live link reads and writes. */
export interface LiveLabPort {
  readonly cursor: ReplayCursor;
  live: LiveView | null;
  scenario: ScenarioInfo | null;
  /** Shows a new index of the live trace in the live panel. */
  showLive(index: TraceIndex): void;
}

/** The proxy's start instant from the run.start it sends first, or undefined without one. */
export function startOf(events: readonly TraceEvent[]): number | undefined {
  // The stream's first event, and so the ring's first until the ring is full: t is 0 and it came first.
  const e = events[0];
  if (e?.type !== 'run.start') return undefined;
  const at = Date.parse(e.start);
  return Number.isFinite(at) ? at : undefined;
}

export class LiveLink {
  private session: LiveSession | null = null;
  /** Whether the scenario's start came from the proxy's run.start rather than the guess. */
  private startTold = false;

  constructor(
    private readonly lab: LiveLabPort,
    private readonly wallClock: () => number = () => Date.now(),
  ) {}

  /** Opens the session; its batches and status land in the lab until `stop` or the next `start`. */
  start(admin: string, deps?: LiveDeps): boolean {
    this.stop();
    this.startTold = false;
    const session = new LiveSession(
      admin,
      {
        batch: (events) => {
          if (this.session === session) this.apply(events, session.trace.dropped);
        },
        status: (status, message) => {
          const live = this.lab.live;
          if (this.session === session && live) this.lab.live = { ...live, status, message };
        },
      },
      deps,
    );
    this.session = session;
    return session.start();
  }

  stop(): void {
    const s = this.session;
    this.session = null;
    s?.stop();
  }

  private apply(events: readonly TraceEvent[], dropped: number): void {
    const { cursor } = this.lab;
    const follow = shouldFollow(cursor.time, cursor.endT);
    const first = this.lab.live?.events === 0;
    const built = buildTraceIndex(events);
    const scenario = this.lab.scenario;
    if (scenario && !this.startTold) {
      // A proxy that sends run.start first (its /trace does) says when its trace began: take that.
      // An older proxy sends none; then the newest event happened about now, which places the clock
      // to within a flush interval, and a run.start that turns up later still replaces the guess.
      const told = startOf(events);
      if (told !== undefined) {
        this.startTold = true;
        this.lab.scenario = { ...scenario, start: told };
      } else if (first) this.lab.scenario = { ...scenario, start: this.wallClock() - built.endT };
    }
    // The index takes the same start: the ring drops the run.start once it is full, and every view
    // that reads the index's epoch (access log, chart axes, inspector) must keep the player's clock.
    const index = { ...built, startEpoch: this.lab.scenario?.start ?? built.startEpoch };
    this.lab.showLive(index);
    cursor.endT = index.endT;
    cursor.steps = index.stepTimes;
    if (follow && !cursor.playing) cursor.seek(index.endT);
    const live = this.lab.live;
    if (live) this.lab.live = { ...live, status: 'live', message: null, events: events.length, dropped };
  }
}
