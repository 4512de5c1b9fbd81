/**
 * gatelab's limit_req emulation against Debian's real nginx (semantics §2, issue 3 item 5).
 *
 * The test starts nginx itself (one process, temp dir, 127.0.0.1), fires the fixed schedule of
 * schedule.ts at three locations — burst=5 with delay, burst=5 nodelay, no burst — and replays the
 * instants it really sent at through `limitReqOne`. Every request is compared: status (503 is
 * limit_req_status's default), nginx's own $limit_req_status, and whether nginx held it (its
 * $request_time: 0 vs ≥ 30 ms, and never shorter than the emulated delay).
 *
 * Edges: nginx's clock is whole ms cached per event-loop iteration, so a request on an edge can go
 * either way in nginx itself. The schedule stays ≥ 25 ms off every edge at its nominal instants.
 * On a loaded machine the real instants drift, so:
 *  - the emulation is fed the measured send instants, not the planned ones;
 *  - a request whose outcome would change within ±15 ms of its measured instant is skipped;
 *  - so is one that nginx, by its own clock (access log), saw at a spacing that gives another
 *    answer or a delay more than 10 ms apart (a late client timer, a write that left after its
 *    timestamp) — that replay on nginx's clock is itself compared, with ±2 ms of slack for its
 *    whole-ms clocks;
 * every skip is counted and the last test asserts they are few. After a skip the emulation
 * continues from the state nginx's answer implies, so one edge cannot poison the requests after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRun, type CompareOptions, type Verdict } from './compare.ts';
import { fireSchedule } from './fire.ts';
import { findNginx, startNginx, type RunningNginx } from './nginx-process.ts';
import { DELAYED_BUCKET_MS, EDGE_MARGIN_MS, LOCATIONS, REQUESTS_PER_LOCATION } from './schedule.ts';

/** The client's timeline: a request may have moved ±15 ms between our clock and nginx's read. */
const SEND_OPTIONS: CompareOptions = { edgeMarginMs: EDGE_MARGIN_MS, delayedBucketMs: DELAYED_BUCKET_MS, delayToleranceMs: 20 };

/**
 * nginx's own timeline: $msec is wall-clock ms while limit_req reads the monotonic ms, both cached in
 * the same clock update, so spacings agree to ±1 ms; a delay timer fires no earlier than set.
 */
const NGINX_CLOCK_OPTIONS: CompareOptions = { edgeMarginMs: 2, delayedBucketMs: DELAYED_BUCKET_MS, delayToleranceMs: 2 };

/** At most this share of all requests may be skipped before the comparison stops meaning much. */
const MAX_SKIPPED_SHARE = 0.1;

const nginxBinary = findNginx();
// Locally a missing nginx is a reason to skip; in CI (.ci/run installs it) it is a failure.
const skip = nginxBinary.path === undefined && !process.env.CI;
const title = skip
  ? `§2 limit_req against a real nginx — SKIPPED: ${nginxBinary.reason ?? 'nginx not found'} and CI is not set`
  : '§2 limit_req against a real nginx on 127.0.0.1';

function mark(v: Verdict, side: 'nginx' | 'emulation'): string {
  const o = side === 'nginx' ? v.observed.limitReqStatus : v.expected.outcome;
  const short = o === 'PASSED' ? 'P' : o === 'REJECTED' ? 'R' : o === 'DELAYED' ? 'D' : o;
  const delay = side === 'nginx' ? v.observed.requestTimeMs : v.expected.delayMs;
  const text = short === 'D' ? `D${delay}` : short;
  return `${text}${v.mismatch ? '!' : v.skipped ? '~' : ''}`;
}

describe.skipIf(skip)(title, () => {
  let nginx: RunningNginx | undefined;
  // By path: a retried test replaces its own earlier attempt instead of adding to the totals.
  const results = new Map<string, { verdicts: Verdict[]; onNginxClock: Verdict[] }>();

  beforeAll(async () => {
    if (nginxBinary.path === undefined) throw new Error(`CI must run the real-nginx test: ${nginxBinary.reason}`);
    nginx = await startNginx(nginxBinary.path);
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
  });

  for (const location of LOCATIONS) {
    it(`§2 \`${location.directive}\` at 10r/s: every request's status, $limit_req_status and delay match the emulation`, async () => {
      const running = nginx as RunningNginx;
      const runId = location.limit.zone;
      const fired = await fireSchedule(`http://127.0.0.1:${running.port}`, location.path, running.accessLog, runId);
      expect(fired.sendsMs).toHaveLength(REQUESTS_PER_LOCATION);
      const onNginxClock = compareRun(location.limit, fired.nginxMs, fired.observed, NGINX_CLOCK_OPTIONS);
      const verdicts = compareRun(location.limit, fired.sendsMs, fired.observed, {
        ...SEND_OPTIONS,
        nginxClock: onNginxClock,
      });
      results.set(location.path, { verdicts, onNginxClock });
      const skipped = verdicts.filter((v) => v.skipped);
      console.log(
        [
          `${location.path} (${location.directive}) — ${verdicts.length} requests, ${skipped.length} skipped; ` +
            `client timer late by ≤ ${fired.worstLateMs.toFixed(1)} ms (~ skipped, ! mismatch)`,
          `  nginx:                  ${verdicts.map((v) => mark(v, 'nginx')).join(' ')}`,
          `  emulation, send times:  ${verdicts.map((v) => mark(v, 'emulation')).join(' ')}`,
          `  emulation, nginx clock: ${onNginxClock.map((v) => mark(v, 'emulation')).join(' ')}`,
          ...skipped.map((v) => `  skipped #${v.index} sent at ${v.sendMs.toFixed(1)} ms: ${v.skipped}`),
        ].join('\n'),
      );
      const explain = (v: Verdict) => `#${v.index} at ${v.sendMs.toFixed(1)} ms (excess ${v.expected.excess}): ${v.mismatch}`;
      expect(verdicts.filter((v) => v.mismatch).map(explain)).toEqual([]);
      expect(onNginxClock.filter((v) => v.mismatch).map(explain)).toEqual([]);
      // The run must show limit_req acting, not a location that lets everything through.
      expect(verdicts.some((v) => v.observed.status === 503)).toBe(true);
    });
  }

  it('§2 skips (requests too close to an edge, or seen by nginx at another spacing) are few', () => {
    const all = [...results.values()].flatMap((r) => r.verdicts);
    const clock = [...results.values()].flatMap((r) => r.onNginxClock);
    const count = (vs: Verdict[], f: (v: Verdict) => boolean) => vs.filter(f).length;
    console.log(
      `real nginx vs emulation on send times: ${all.length - count(all, (v) => !!v.skipped)} compared, ` +
        `${count(all, (v) => v.skipped === 'edge')} skipped at an edge, ${count(all, (v) => v.skipped === 'drift')} skipped for drift, ` +
        `${count(all, (v) => !!v.mismatch)} mismatches; on nginx's clock: ${clock.length - count(clock, (v) => !!v.skipped)} compared, ` +
        `${count(clock, (v) => !!v.mismatch)} mismatches`,
    );
    expect(all).toHaveLength(LOCATIONS.length * REQUESTS_PER_LOCATION);
    expect(count(all, (v) => !!v.skipped)).toBeLessThanOrEqual(Math.floor(all.length * MAX_SKIPPED_SHARE));
    expect(count(clock, (v) => !!v.skipped)).toBeLessThanOrEqual(Math.floor(clock.length * MAX_SKIPPED_SHARE));
  });
});
