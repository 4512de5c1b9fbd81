/**
 * The rollout plan part of the canary-rollout config: steps with their pauses and gates, and the
 * analysis. Durations are Go-style strings ("30s", "1m30s"), as in Flagger's and Argo's CRDs.
 */
import { parseDuration } from '../../core/duration.ts';
import type { RolloutAnalysis, RolloutStep } from '../../machines/rollout/plan.ts';
import { ConfigReader } from '../kit/config-reader.ts';

/** Inclusive status range, [500, 599]. */
export type StatusRange = readonly [number, number];

export const DEFAULT_STEPS: readonly number[] = [5, 10, 25, 50, 100];
export const DEFAULT_STEP_DURATION_MS = 60_000;
export const DEFAULT_ANALYSIS: RolloutAnalysis = { windowMs: 60_000, maxErrorRate: 0.01, minRequests: 20, maxFailedChecks: 1 };
export const DEFAULT_FAILED_STATUSES: StatusRange[] = [[500, 599]];

const STEP_FIELDS = ['weight', 'pause', 'at', 'gate'];
const ANALYSIS_FIELDS = ['window', 'maxErrorRate', 'minRequests', 'maxFailedChecks', 'failedStatuses'];
const GATES = ['health', 'time'] as const;
type Gate = (typeof GATES)[number];

/** A Go duration ≥ 0 in ms; a plain 0 is accepted too, since YAML users write `pause: 0`. */
function duration(r: ConfigReader, key: string, fallback: number): number {
  const v = r.obj[key];
  if (v === undefined || v === null) return fallback;
  if (v === 0) return 0;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined || ms < 0) {
    r.report.error([...r.path, key], 'GL_E_DURATION', `${key} must be a duration like 30s or 1m30s, not ${JSON.stringify(v)}`, `${key}: 30s`);
    return fallback;
  }
  return ms;
}

function weight(v: unknown, r: ConfigReader, path: Array<string | number>): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100) return v;
  r.error(path, `a step weight is a canary percentage from 0 to 100, not ${JSON.stringify(v)}`);
  return 0;
}

/** `steps`, `stepDuration`/`pause` and `gate` → the plan's steps. */
export function readSteps(r: ConfigReader): RolloutStep[] {
  if (r.has('stepDuration') && r.has('pause')) r.error('pause', 'stepDuration and pause are the same setting; keep one');
  const defaultPause = duration(r, r.has('pause') ? 'pause' : 'stepDuration', DEFAULT_STEP_DURATION_MS);
  const defaultGate = r.oneOf<Gate>('gate', GATES, 'health');
  const stepOf = (w: number, gate: Gate, pauseMs: number): RolloutStep => ({
    weight: w,
    advance: gate === 'health' ? { kind: 'health', pauseMs } : { kind: 'after', pauseMs },
  });
  const raw = r.obj['steps'];
  if (raw === undefined || raw === null) return DEFAULT_STEPS.map((w) => stepOf(w, defaultGate, defaultPause));
  if (!Array.isArray(raw) || raw.length === 0) {
    r.error('steps', 'steps must be a non-empty list of canary weights', 'steps: [5, 10, 25, 50, 100]');
    return DEFAULT_STEPS.map((w) => stepOf(w, defaultGate, defaultPause));
  }
  return raw.map((item: unknown, i): RolloutStep => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return stepOf(weight(item, r, ['steps', i]), defaultGate, defaultPause);
    const s = new ConfigReader(item, r.report, STEP_FIELDS, [...r.path, 'steps', i], r.label);
    const w = weight(s.obj['weight'], s, ['weight']);
    if (s.has('at')) {
      if (s.has('pause')) s.error('at', 'pause and at are alternatives: a step ends after a pause or at an instant');
      if (s.obj['gate'] === 'health') s.error('gate', 'a step with `at` is left at that instant whatever the analysis says; remove gate: health or at');
      return { weight: w, advance: { kind: 'at', atMs: duration(s, 'at', 0) } };
    }
    return stepOf(w, s.oneOf<Gate>('gate', GATES, defaultGate), duration(s, 'pause', defaultPause));
  });
}

function statusRanges(a: ConfigReader): StatusRange[] {
  const raw = a.obj['failedStatuses'];
  if (raw === undefined || raw === null) return DEFAULT_FAILED_STATUSES.map((x) => [...x] as const);
  if (!Array.isArray(raw)) {
    a.error('failedStatuses', 'failedStatuses must be a list of statuses or ranges', "failedStatuses: ['500-599']");
    return DEFAULT_FAILED_STATUSES.map((x) => [...x] as const);
  }
  const out: StatusRange[] = [];
  raw.forEach((item: unknown, i) => {
    const m = typeof item === 'string' ? /^\s*(\d{3})\s*[-–]\s*(\d{3})\s*$/.exec(item) : null;
    const range: StatusRange | undefined = typeof item === 'number' ? [item, item] : m ? [Number(m[1]), Number(m[2])] : undefined;
    if (!range || !Number.isInteger(range[0]) || range[0] < 100 || range[1] > 599 || range[0] > range[1]) {
      a.error(['failedStatuses', i], `failedStatuses[${i}] must be a status (503) or a range ("500-599") within 100–599, not ${JSON.stringify(item)}`);
      return;
    }
    out.push(range);
  });
  return out;
}

export function readAnalysis(r: ConfigReader): { analysis: RolloutAnalysis; failedStatuses: StatusRange[] } {
  const a = r.sub('analysis', ANALYSIS_FIELDS);
  const windowMs = duration(a, 'window', DEFAULT_ANALYSIS.windowMs);
  if (windowMs === 0) a.error('window', 'window must be longer than 0s: an error rate needs a stretch of time');
  let maxErrorRate = DEFAULT_ANALYSIS.maxErrorRate;
  const rate = a.obj['maxErrorRate'];
  if (rate !== undefined && rate !== null) {
    if (typeof rate === 'number' && rate >= 0 && rate <= 1) maxErrorRate = rate;
    else a.error('maxErrorRate', `maxErrorRate is a fraction from 0 to 1, not ${JSON.stringify(rate)}`, typeof rate === 'number' && rate > 1 && rate <= 100 ? `write ${rate / 100} for ${rate} %` : 'maxErrorRate: 0.01');
  }
  return {
    analysis: {
      windowMs: windowMs === 0 ? DEFAULT_ANALYSIS.windowMs : windowMs,
      maxErrorRate,
      minRequests: a.num('minRequests', DEFAULT_ANALYSIS.minRequests, { min: 0, integer: true }),
      maxFailedChecks: a.num('maxFailedChecks', DEFAULT_ANALYSIS.maxFailedChecks, { min: 1, integer: true }),
    },
    failedStatuses: statusRanges(a),
  };
}
