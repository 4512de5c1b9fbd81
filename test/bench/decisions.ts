/**
 * Decisions per second for every rate-limit math module, on one fixed schedule: 1M requests over
 * 10k keys, ~10k requests a second in total, keys skewed so a few are hot (and get limited) while
 * most are cold. Each module keeps its state per key in an array, exactly as a caller would between
 * calls; the decision objects the modules return (with their explanations) are part of the cost.
 *
 * Every algorithm sees the same (key, instant) sequence, so the admitted counts printed beside the
 * speeds are a determinism check as much as a curiosity: they must not change between rounds.
 */
import { Rng } from '../../engine/core/rng.ts';
import { gcra, type GcraState } from '../../engine/plugins/rate-limit/math/gcra.ts';
import { kongFixedWindow, type KongWindowState } from '../../engine/plugins/rate-limit/math/kong-fixed-window.ts';
import { limitReqOne, type LimitReqNode } from '../../engine/plugins/rate-limit/math/nginx-limit-req.ts';
import { slidingLog, type SlidingLogState } from '../../engine/plugins/rate-limit/math/sliding-log.ts';
import { slidingWindow, type SlidingWindowState } from '../../engine/plugins/rate-limit/math/sliding-window.ts';
import { tokenBucket, type TokenBucketConfig, type TokenBucketState } from '../../engine/plugins/rate-limit/math/token-bucket.ts';
import { cpuSeconds } from './table.ts';

export interface Schedule {
  keys: Int32Array;
  /** Epoch ms, non-decreasing. */
  times: Float64Array;
  /** The keys as the IPv4 strings a gateway would see. */
  names: string[];
}

/** A fixed instant, not the machine's clock: Kong's calendar windows must not depend on when the bench runs. */
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export function makeSchedule(decisions: number, keyCount: number, perSecond: number, seed = 7): Schedule {
  const rng = new Rng(seed, 'bench/decisions');
  const keys = new Int32Array(decisions);
  const times = new Float64Array(decisions);
  let t = T0;
  for (let i = 0; i < decisions; i++) {
    t += rng.exponential(1000 / perSecond);
    times[i] = t;
    // u² puts key k's share ∝ 1/√k: key 0 sees ~50× the traffic of an average key.
    const u = rng.next();
    keys[i] = Math.floor(keyCount * u * u);
  }
  const names = Array.from({ length: keyCount }, (_, k) => `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`);
  return { keys, times, names };
}

export interface Algorithm {
  name: string;
  /** The configuration, in the vendor's words. */
  config: string;
  /** Runs the whole schedule from empty state; returns how many were admitted. */
  run: (s: Schedule) => number;
}

/**
 * One loop per algorithm rather than one shared loop over a callback: a shared call site would turn
 * megamorphic after the first algorithm and slow the later ones down for no reason of their own.
 */
export const ALGORITHMS: readonly Algorithm[] = [
  {
    name: 'bare loop (peer: schedule walk + state store)',
    config: 'count per key, no limit',
    run: (s) => {
      const counts = new Int32Array(s.names.length);
      let admitted = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i] as number;
        counts[k] = (counts[k] as number) + 1;
        if ((s.times[i] as number) > 0) admitted++;
      }
      return admitted;
    },
  },
  {
    name: 'Kong fixed window (local)',
    config: 'second: 5, minute: 60',
    run: (s) => {
      const limits = { second: 5, minute: 60 };
      const states: Array<KongWindowState | undefined> = new Array<KongWindowState | undefined>(s.names.length).fill(undefined);
      let admitted = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i] as number;
        const r = kongFixedWindow(limits, states[k] ?? {}, s.times[i] as number);
        states[k] = r.state;
        if (r.decision.allowed) admitted++;
      }
      return admitted;
    },
  },
  {
    name: 'sliding-window counter (Kong Advanced)',
    config: 'limit 60 / 60 s',
    run: (s) => {
      const config = { limit: 60, windowMs: 60_000 };
      const states: Array<SlidingWindowState | undefined> = new Array<SlidingWindowState | undefined>(s.names.length).fill(undefined);
      let admitted = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i] as number;
        const r = slidingWindow(config, states[k], s.times[i] as number);
        states[k] = r.state;
        if (r.decision.allowed) admitted++;
      }
      return admitted;
    },
  },
  {
    name: 'sliding log (exact)',
    config: 'limit 10 / 10 s',
    run: (s) => {
      const config = { limit: 10, windowMs: 10_000 };
      const states: Array<SlidingLogState | undefined> = new Array<SlidingLogState | undefined>(s.names.length).fill(undefined);
      let admitted = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i] as number;
        const r = slidingLog(config, states[k], s.times[i] as number);
        states[k] = r.state;
        if (r.decision.allowed) admitted++;
      }
      return admitted;
    },
  },
  ...(
    [
      ['token bucket, Envoy (continuous)', { flavour: 'envoy', maxTokens: 5, tokensPerFill: 1, fillIntervalMs: 1000 }, 'max 5, 1 per 1 s'],
      ['token bucket, Envoy (timer, older)', { flavour: 'envoy-timer', maxTokens: 5, tokensPerFill: 1, fillIntervalMs: 1000 }, 'max 5, 1 per 1 s'],
      ['token bucket, Traefik (x/time/rate)', { flavour: 'traefik', average: 1, periodMs: 1000, burst: 5 }, 'average 1/s, burst 5'],
      ['token bucket, AWS', { flavour: 'aws', rate: 1, burst: 5 }, 'rate 1, burst 5'],
    ] as Array<[string, TokenBucketConfig, string]>
  ).map(
    ([name, config, text]): Algorithm => ({
      name,
      config: text,
      run: (s) => {
        const states: Array<TokenBucketState | undefined> = new Array<TokenBucketState | undefined>(s.names.length).fill(undefined);
        let admitted = 0;
        for (let i = 0; i < s.keys.length; i++) {
          const k = s.keys[i] as number;
          const r = tokenBucket(config, states[k], s.times[i] as number);
          states[k] = r.state;
          if (r.decision.allowed) admitted++;
        }
        return admitted;
      },
    }),
  ),
  {
    name: 'nginx limit_req',
    config: 'rate=1r/s burst=5',
    run: (s) => {
      const limit = { zone: 'bench', rateMilli: 1000, burst: 5, delay: 0 } as const;
      const nodes: Array<LimitReqNode | undefined> = new Array<LimitReqNode | undefined>(s.names.length).fill(undefined);
      let admitted = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i] as number;
        const r = limitReqOne(limit, s.names[k] as string, nodes[k], s.times[i] as number);
        nodes[k] = r.node;
        if (r.decision.outcome !== 'REJECTED') admitted++;
      }
      return admitted;
    },
  },
  {
    name: 'GCRA',
    config: '1 per 1 s, burst 5',
    run: (s) => {
      const config = { limit: 1, periodMs: 1000, burst: 5 };
      const states: Array<GcraState | undefined> = new Array<GcraState | undefined>(s.names.length).fill(undefined);
      let admitted = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i] as number;
        const r = gcra(config, states[k], s.times[i] as number);
        states[k] = r.state;
        if (r.decision.allowed) admitted++;
      }
      return admitted;
    },
  },
];

export interface DecisionTiming {
  name: string;
  config: string;
  /** Per round, decisions per CPU second. */
  rates: number[];
  /** Admitted counts per round (all equal, or the module is not deterministic). */
  admitted: number[];
}

/**
 * Round-robin over the algorithms, `rounds` times, so a noisy minute hits every one of them alike.
 * Each run is a fixed number of decisions; an algorithm whose run took longer than
 * `maxSecondsPerRun` is not repeated, which keeps the whole bench bounded in time too.
 */
export function timeDecisions(schedule: Schedule, rounds: number, maxSecondsPerRun: number): DecisionTiming[] {
  const out: DecisionTiming[] = ALGORITHMS.map((a) => ({ name: a.name, config: a.config, rates: [], admitted: [] }));
  const slow = new Set<number>();
  for (let r = 0; r < rounds; r++) {
    ALGORITHMS.forEach((a, i) => {
      if (slow.has(i)) return;
      const t0 = cpuSeconds();
      const admitted = a.run(schedule);
      const seconds = cpuSeconds() - t0;
      const row = out[i] as DecisionTiming;
      row.rates.push(schedule.keys.length / seconds);
      row.admitted.push(admitted);
      if (seconds > maxSecondsPerRun) slow.add(i);
    });
  }
  return out;
}
