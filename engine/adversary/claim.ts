/**
 * The claim an attack tries to break: "max N per D" — never more than N admitted requests in any
 * half-open window [t, t + D). D is a Go-style duration (60s, 1m, 1m30s), as everywhere in gatelab.
 */
import { parseDuration } from '../core/duration.ts';

export interface RateClaim {
  /** The most admitted requests any window may hold. */
  max: number;
  /** The window length in ms. */
  windowMs: number;
  /** The claim as the user wrote it, trimmed, for messages and the rendered scenario. */
  text: string;
  /** The window as the user wrote it ("60s", "1m"). */
  windowText: string;
}

/** A claim that does not parse: the message says what was wrong, the hint what to write. */
export class ClaimError extends Error {
  readonly code = 'GL_E_USAGE' as const;

  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ClaimError';
  }
}

const EXAMPLE = 'write it as "max 100 per 60s" (a whole number, then a Go duration such as 60s, 1m or 1h)';
const SHAPE = /^max\s+(\S+)\s+per\s+(\S+)$/i;

export function parseClaim(input: string): RateClaim {
  const text = input.trim().replace(/\s+/g, ' ');
  const m = SHAPE.exec(text);
  if (!m) throw new ClaimError(`cannot read the claim '${input}'`, EXAMPLE);
  const [, countText, durationText] = m as unknown as [string, string, string];
  const max = Number(countText);
  if (!/^\d+$/.test(countText) || !Number.isSafeInteger(max)) {
    throw new ClaimError(`the claim's count '${countText}' is not a whole number`, EXAMPLE);
  }
  if (max < 1) throw new ClaimError('the claim allows no request at all (max 0)', 'a claim needs a count of at least 1');
  const windowMs = parseDuration(durationText);
  if (windowMs === undefined) {
    throw new ClaimError(`the claim's window '${durationText}' is not a Go duration`, 'write 60s, 1m, 1m30s or 250ms — a bare number has no unit');
  }
  // Sub-millisecond windows cannot be told apart on the simulation's millisecond schedule grid.
  if (!(windowMs >= 1)) throw new ClaimError(`the claim's window '${durationText}' is shorter than 1 ms`, 'use a window of at least 1ms');
  return { max, windowMs, text: `max ${max} per ${durationText}`, windowText: durationText };
}
