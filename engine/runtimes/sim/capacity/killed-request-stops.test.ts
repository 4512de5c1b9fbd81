/**
 * A request that dies in an OOM kill does nothing more: the front balancer resets its connection
 * (502), and the killed replica's process is gone, so no callout's answer, upstream response or
 * async result reaches its plugins any more. Checked on the lesson's war story (kong-bottleneck,
 * variant overload, seed 9: two kills), where such answers used to arrive after the kill and run the
 * dead request's next stages (a JWKS answer resuming jwt-remote, an upstream answer running the
 * response phase), each emitting decisions after the request's own `request.end`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenario/load.ts';
import type { TraceEvent, TraceLevel } from '../../../trace/events.ts';
import { runVariant } from '../run-scenario.ts';

/** Events with the id of a request the front answered 502 (a reset or a refused connection) after that answer. */
function afterFrontReset(events: readonly TraceEvent[]): { resets: number; late: TraceEvent[] } {
  const reset = new Set<string>();
  const late: TraceEvent[] = [];
  for (const e of events) {
    if (!('req' in e)) continue;
    if (reset.has(e.req)) late.push(e);
    else if (e.type === 'request.end' && e.status === 502 && e.source === 'front') reset.add(e.req);
  }
  return { resets: reset.size, late };
}

describe('a request killed with its replica (issue #9 fidelity)', () => {
  for (const level of ['decisions', 'full'] as const satisfies readonly TraceLevel[]) {
    it(`has no event after its 502 at ${level}`, async () => {
      const loaded = loadScenario('scenarios/capacity/kong-bottleneck.yaml', (p) => readFileSync(p, 'utf8'));
      const { events } = await runVariant(loaded.scenario!, 'overload', { level, keepEvents: true });
      const kills = events.filter((e) => e.type === 'breaker.transition' && e.to === 'oom-killed');
      expect(kills.length).toBe(2);
      const { resets, late } = afterFrontReset(events);
      // Each kill reset the 2,401 requests its pod held.
      expect(resets).toBeGreaterThan(4000);
      expect(late.map((e) => `${e.type} ${'req' in e ? e.req : ''} t=${e.t}`)).toEqual([]);
    }, 60_000);
  }
});
