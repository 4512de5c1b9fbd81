/**
 * EWMA of response time with power of two choices: Kong `latency`, ingress-nginx `ewma`
 * (semantics §10). Both cite Finagle's Peak EWMA but neither implements the "peak" jump; gatelab
 * follows the gateways: ewma = ewma·w + rtt·(1−w) with w = exp(−Δt/decay).
 *
 * Scores decay when read, too: the gateways read a score as `decay(ewma, last, rtt = 0, now)`, so a
 * host nobody has used for a while looks fast again and gets probed — no timers needed.
 */
import { ActiveCounts, checkEligible, configError, drawIndex, fmt, hostName } from './common.ts';
import type { BalancedHost, Balancer } from './types.ts';

export function createEwma(hosts: readonly BalancedHost[], decayMs: number): Balancer {
  if (!Number.isFinite(decayMs) || decayMs <= 0) {
    throw configError(`ewma decay time ${decayMs} ms must be positive`, 'the gateways use 10 s');
  }
  const n = hosts.length;
  /** Last stored EWMA per host, undefined until its first response. */
  const ewma: Array<number | undefined> = new Array<number | undefined>(n).fill(undefined);
  const touched = new Array<number>(n).fill(0);
  const active = new ActiveCounts(n);
  const w = (i: number): number => (hosts[i] as BalancedHost).weight;

  const decayed = (i: number, rtt: number, now: number): number => {
    const e = ewma[i];
    if (e === undefined) return rtt;
    const dt = Math.max(0, now - (touched[i] as number));
    const weight = Math.exp(-dt / decayMs);
    return e * weight + rtt * (1 - weight);
  };

  /**
   * The score a never-measured host gets: the average of the measured eligible hosts — the "slow
   * start" Kong and ingress-nginx give new endpoints, so a newcomer is not flooded just because its
   * score is still 0. 0 when nobody is measured yet.
   */
  function newcomerScore(eligible: readonly number[], now: number): number {
    let sum = 0;
    let count = 0;
    for (const i of eligible) {
      if (ewma[i] === undefined) continue;
      sum += decayed(i, 0, now);
      count++;
    }
    return count > 0 ? sum / count : 0;
  }

  return {
    pick(eligible, req) {
      checkEligible(eligible, n);
      if (eligible.length === 1) {
        const only = eligible[0] as number;
        return { index: only, reason: `ewma: ${hostName(hosts, only)} is the only eligible host` };
      }
      // Two distinct hosts, as ingress-nginx's partial Fisher–Yates shuffle draws them.
      const j0 = drawIndex(req.draw('lb-p2c', 0), eligible.length);
      let j1 = drawIndex(req.draw('lb-p2c', 1), eligible.length - 1);
      if (j1 >= j0) j1++;
      const a = eligible[j0] as number;
      const b = eligible[j1] as number;
      const fresh = ewma[a] === undefined || ewma[b] === undefined ? newcomerScore(eligible, req.now) : 0;
      // Weighted hosts divide their latency by weight, as both gateways do before comparing.
      const score = (i: number): number => (ewma[i] === undefined ? fresh : decayed(i, 0, req.now)) / w(i);
      const sa = score(a);
      const sb = score(b);
      const index = sb < sa ? b : a;
      const show = (i: number, v: number): string =>
        `${hostName(hosts, i)} (${ewma[i] === undefined ? 'unmeasured, average ' : ''}${fmt(v)} ms${w(i) === 1 ? '' : ` per weight ${w(i)}`})`;
      const why = sa === sb ? 'equal, first sample kept' : 'lower latency score';
      return { index, reason: `ewma P2C: sampled ${show(a, sa)} and ${show(b, sb)} → ${hostName(hosts, index)} (${why})` };
    },
    started(i) {
      active.started(i);
    },
    finished(i, outcome) {
      active.finished(i);
      // A first response sets the score outright: the gateways find no stored value and decay an
      // implicit 0 touched at the epoch, which leaves exactly the rtt.
      ewma[i] = decayed(i, outcome.rttMs, outcome.now);
      touched[i] = outcome.now;
    },
    snapshot() {
      return {
        algorithm: 'ewma',
        decayMs,
        peers: hosts.map((h, i) => ({
          host: h.key,
          weight: h.weight,
          ewmaMs: ewma[i] ?? null,
          lastTouched: ewma[i] === undefined ? null : touched[i],
          active: active.get(i),
        })),
      };
    },
  };
}
