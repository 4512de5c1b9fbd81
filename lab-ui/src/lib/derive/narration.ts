/** Narration captions: which one is showing at t, and where the next and previous ones are. */
import type { TraceIndex } from './trace-index.ts';

export interface Caption {
  t: number;
  text: string;
  index: number;
}

type Steps = ReadonlyArray<{ t: number; text: string }>;

/** The caption showing at t: the last one at or before t. */
export function captionAt(steps: Steps, t: number): Caption | null {
  let found: Caption | null = null;
  steps.forEach((s, index) => {
    if (s.t <= t) found = { t: s.t, text: s.text, index };
  });
  return found;
}

export function nextNarration(steps: Steps, t: number): number | null {
  for (const s of steps) if (s.t > t + 1e-6) return s.t;
  return null;
}

export function prevNarration(steps: Steps, t: number): number | null {
  let best: number | null = null;
  for (const s of steps) if (s.t < t - 1e-6) best = s.t;
  return best;
}

/** Narration from the trace when there is one, else from the scenario as loaded (before any run). */
export function narrationSteps(index: TraceIndex | null, fallback: ReadonlyArray<{ atMs: number; text: string }>): Steps {
  if (index && index.narration.length > 0) return index.narration;
  return fallback.map((n) => ({ t: n.atMs, text: n.text }));
}
