/**
 * Values that hold for one whole second of Kong's clock (window bounds, counter keys), kept for the
 * last few seconds seen. Several seconds, not one: in a simulation a request's response (or a Redis
 * answer waiting for CPU) may come seconds after its access, so the instants a limiter is asked about
 * interleave, and a one-second memo would be rebuilt on almost every call.
 */

/** Seconds remembered before the oldest is dropped. */
const DEFAULT_SECONDS = 64;

export class PerSecond<T> {
  private lastTimestampMs = Number.NaN;
  private last: T | undefined;
  private readonly bySecond = new Map<number, T>();

  constructor(
    private readonly make: (timestampMs: number) => T,
    private readonly seconds = DEFAULT_SECONDS,
  ) {}

  /** The value for the second starting at `timestampMs` (already truncated to the second). */
  at(timestampMs: number): T {
    if (timestampMs === this.lastTimestampMs) return this.last as T;
    let value = this.bySecond.get(timestampMs);
    if (value === undefined) {
      // Oldest first: a Map iterates in insertion order, so its first key is the one to drop.
      if (this.bySecond.size >= this.seconds) this.bySecond.delete(this.bySecond.keys().next().value as number);
      value = this.make(timestampMs);
      this.bySecond.set(timestampMs, value);
    }
    this.lastTimestampMs = timestampMs;
    this.last = value;
    return value;
  }
}
