/**
 * The connection half of attaching to a running `gatelab serve`: an EventSource on the admin
 * listener's `/trace`, flushed into a `LiveTrace` on a timer so a busy proxy costs a few index
 * rebuilds a second instead of one per event. The EventSource and the timer are injected for tests.
 */
import type { TraceEvent } from '../../../engine/trace/events.ts';
import { LIVE_FLUSH_MS, LiveTrace, parseTraceData, traceUrl } from './live-trace.ts';

/** What the session needs of the browser's EventSource. */
export interface EventSourceLike {
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent<string>) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  readonly readyState: number;
  close(): void;
}

export type LiveStatus = 'connecting' | 'live' | 'error' | 'closed';

export interface LiveCallbacks {
  /** A new snapshot of the live trace (time-ordered, at most the ring size). */
  batch(events: readonly TraceEvent[]): void;
  status(status: LiveStatus, message: string | null): void;
}

export interface LiveDeps {
  open(url: string): EventSourceLike;
  every(ms: number, fn: () => void): () => void;
}

export const browserLiveDeps: LiveDeps = {
  open: (url) => new EventSource(url) as unknown as EventSourceLike,
  every: (ms, fn) => {
    const id = setInterval(fn, ms);
    return () => clearInterval(id);
  },
};

const CLOSED = 2;

export function connectionHelp(admin: string): string {
  let hostPort = admin;
  try {
    hostPort = new URL(/^[a-z]+:\/\//i.test(admin) ? admin : `http://${admin}`).host;
  } catch {
    // Keep what the student typed: the message is still useful.
  }
  return `Cannot reach the admin listener at ${admin}. Start the proxy with \`gatelab serve --config <file> --admin ${hostPort}\` and check the URL; the lab keeps retrying.`;
}

export class LiveSession {
  readonly trace = new LiveTrace();
  private source: EventSourceLike | null = null;
  private stopTimer: (() => void) | null = null;

  constructor(
    readonly admin: string,
    private readonly cb: LiveCallbacks,
    private readonly deps: LiveDeps = browserLiveDeps,
  ) {}

  /** Returns false (and reports why) when the admin URL is not an http URL. */
  start(): boolean {
    const url = traceUrl(this.admin);
    if (!url) {
      this.cb.status('error', `“${this.admin}” is not an admin URL; try http://127.0.0.1:8001.`);
      return false;
    }
    this.cb.status('connecting', null);
    const src = this.deps.open(url);
    this.source = src;
    src.onopen = () => this.cb.status('live', null);
    src.onmessage = (ev) => {
      const e = parseTraceData(ev.data);
      if (e) this.trace.push(e);
    };
    // EventSource retries by itself after a dropped connection; it gives up (CLOSED) when the
    // answer is not an event stream, e.g. a 404 from something else on that port.
    src.onerror = () => {
      const closed = src.readyState === CLOSED;
      this.cb.status('error', closed ? `${connectionHelp(this.admin).replace(/; the lab keeps retrying\.$/, '.')} (The answer was not an event stream.)` : connectionHelp(this.admin));
    };
    this.stopTimer = this.deps.every(LIVE_FLUSH_MS, () => this.flush());
    return true;
  }

  flush(): void {
    const snapshot = this.trace.flush();
    if (snapshot) this.cb.batch(snapshot);
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.stopTimer?.();
    this.stopTimer = null;
    this.cb.status('closed', null);
  }
}
