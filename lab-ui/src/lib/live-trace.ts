/**
 * The pure half of attaching the lab to a running `gatelab serve`: parsing the admin listener's
 * Server-Sent Events, a bounded ring of events, and the batching that turns a stream of single
 * events into a few trace snapshots a second. No timers, sockets or runes here, so it is unit-tested.
 */
import type { TraceEvent } from '../../../engine/trace/events.ts';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:8001';
/** Events kept while live: enough for minutes of a busy lab, small enough to re-index quickly. */
export const LIVE_RING_SIZE = 50_000;
/** How often received events are folded into the trace the views read. */
export const LIVE_FLUSH_MS = 200;

/** `http://127.0.0.1:8001/` or `127.0.0.1:8001` → the `/trace` URL; null when it is not an http URL. */
export function traceUrl(admin: string): string | null {
  const raw = admin.trim();
  if (!raw) return null;
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}/trace`;
  } catch {
    return null;
  }
}

/** One SSE `data:` payload → a trace event, or null for anything that is not one (comments, junk). */
export function parseTraceData(data: string): TraceEvent | null {
  try {
    const v: unknown = JSON.parse(data);
    if (typeof v !== 'object' || v === null) return null;
    const o = v as { type?: unknown; t?: unknown };
    return typeof o.type === 'string' && typeof o.t === 'number' && Number.isFinite(o.t) ? (v as TraceEvent) : null;
  } catch {
    return null;
  }
}

/**
 * Splits raw SSE text into `data` payloads, returning what is left of an unfinished frame. The browser's
 * EventSource does this itself; this is for hosts without one and documents the wire format.
 */
export function splitSse(buffer: string): { data: string[]; rest: string } {
  const frames = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = frames.pop() ?? '';
  const data: string[] = [];
  for (const frame of frames) {
    const lines = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
    if (lines.length) data.push(lines.join('\n'));
  }
  return { data, rest };
}

/**
 * Received events waiting for the next flush, and the ring they are flushed into. The views need
 * events in time order (their indexes binary-search `t`); the proxy emits in order, but a reconnect
 * replays its recent ring, so events already seen are dropped by their position in time.
 */
export class LiveTrace {
  private ring: TraceEvent[] = [];
  private pending: TraceEvent[] = [];
  private seen = new Set<string>();
  /** Events dropped from the front of the ring to keep memory bounded. */
  dropped = 0;

  constructor(private readonly cap = LIVE_RING_SIZE) {}

  push(e: TraceEvent): void {
    // A reconnect resends the proxy's recent events; identical events at the same instant are repeats.
    const key = JSON.stringify(e);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.pending.push(e);
  }

  get waiting(): number {
    return this.pending.length;
  }

  get size(): number {
    return this.ring.length;
  }

  /** Moves waiting events into the ring; returns the new snapshot, or null when nothing arrived. */
  flush(): readonly TraceEvent[] | null {
    if (this.pending.length === 0) return null;
    const batch = this.pending;
    this.pending = [];
    const lastT = this.ring.length ? (this.ring[this.ring.length - 1] as TraceEvent).t : -Infinity;
    const next = this.ring.concat(batch);
    // Rare (two writers racing one millisecond apart): restore time order with a stable sort.
    if (batch.some((e, i) => e.t < (i === 0 ? lastT : (batch[i - 1] as TraceEvent).t))) next.sort((a, b) => a.t - b.t);
    if (next.length > this.cap) {
      const cut = next.length - this.cap;
      for (const e of next.slice(0, cut)) this.seen.delete(JSON.stringify(e));
      this.dropped += cut;
      this.ring = next.slice(cut);
    } else {
      this.ring = next;
    }
    return this.ring;
  }

  clear(): void {
    this.ring = [];
    this.pending = [];
    this.seen = new Set();
    this.dropped = 0;
  }
}

/** The cursor follows "now" while it sits at the end of what had arrived; scrubbing back stops that. */
export function shouldFollow(cursorTime: number, previousEnd: number): boolean {
  return cursorTime >= previousEnd - 0.5;
}
