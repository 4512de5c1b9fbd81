/**
 * `gatelab explain --scenario --client ID [--at T]`: the request client ID really sent — its first at
 * or after T — told from the run's trace, so it says exactly what the run did to that request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { explainClientRequest } from '../../engine/runtimes/sim/explain-scenario.ts';
import { simulate } from '../../engine/runtimes/sim/simulate.ts';
import type { RequestEndEvent, TraceEvent } from '../../engine/trace/events.ts';
import { gatelab } from '../support/cli.ts';
import { EXPLAIN_SLOTS, scenarioFile, WAR_STORY } from '../support/scenario-file.ts';

/** The whole run at the full level, as `gatelab run --level full` makes it. */
async function fullRun(path: string): Promise<readonly TraceEvent[]> {
  const s = scenarioFile(path);
  const ir = loadGateway(s.gateway).ir!;
  return (await simulate(s, { variant: 'base', level: 'full', adapt: () => ir })).events;
}

function endOf(events: readonly TraceEvent[], id: string): RequestEndEvent | undefined {
  return events.find((e): e is RequestEndEvent => e.type === 'request.end' && e.req === id);
}

describe('explain --client tells the run\'s own story of one request', () => {
  it('for any instant and client, the request is the first sent at or after it, and its story is the full run\'s', async () => {
    const events = await fullRun(EXPLAIN_SLOTS);
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] explain --client seed=${seed} (replay: FC_SEED=${seed})`);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('steady', 'other'), fc.integer({ min: 0, max: 8_900 }), async (client, atMs) => {
        const out = await explainClientRequest(scenarioFile(EXPLAIN_SLOTS), 'base', { client, atMs });
        const r = out.result!;
        expect(r.request?.client).toBe(client);
        const id = r.request!.id;
        const end = endOf(events, id)!;
        // Sent (end minus the client's latency) at or after the instant, and the one before it earlier.
        const sent = end.t - end.ms;
        expect(r.request!.sentAtMs).toBeCloseTo(sent, 2);
        expect(r.request!.sentAtMs).toBeGreaterThanOrEqual(atMs);
        const n = Number(id.slice(client.length + 1));
        const before = endOf(events, `${client}-${n - 1}`);
        if (before) expect(before.t - before.ms).toBeLessThan(atMs);
        // The same status, decisions and waits as in the full run (the explain run stops at its end).
        expect(r.status).toBe(end.status);
        const decisions = events.filter((e) => e.type === 'plugin.decision' && e.req === id).map((e) => (e as { reason: string }).reason);
        expect(r.decisions.map((d) => d.reason)).toEqual(decisions);
        const slotWaits = events.filter((e) => e.type === 'slot.wait' && e.req === id).length;
        expect((r.waits ?? []).filter((w) => w.for === 'slot')).toHaveLength(slotWaits);
        if (end.status === 502) expect(r.answeredBy?.source).toBe('front');
      }),
      { seed, numRuns: 12 },
    );
  }, 120_000);

  it('--seed changes which requests the client sends (a Poisson schedule) and is honoured', async () => {
    const s = scenarioFile(WAR_STORY);
    const own = await explainClientRequest(s, 'base', { client: 'app', atMs: 500 });
    const nine = await explainClientRequest(s, 'base', { client: 'app', atMs: 500 }, { seed: 9 });
    const ten = await explainClientRequest(s, 'base', { client: 'app', atMs: 500 }, { seed: 10 });
    expect(nine.result!.request).toEqual(own.result!.request); // 9 is the scenario's own seed
    expect(ten.result!.request!.sentAtMs).not.toBe(own.result!.request!.sentAtMs);
  }, 60_000);

  it('an unknown client is a usage error that lists the clients', () => {
    const r = gatelab(['explain', '--scenario', EXPLAIN_SLOTS, '--client', 'nobody']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error GL_E_USAGE: no client 'nobody' in test/cli/fixtures/explain-slots.yaml (the clients are steady, other)");
  });

  it('an instant after the client\'s last request is a usage error', () => {
    const r = gatelab(['explain', '--scenario', EXPLAIN_SLOTS, '--client', 'other', '--at', '9s500ms']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("client 'other' sends no request at or after 9500 ms (its last is sent at 9000 ms)");
  });

  it('without --at it is the client\'s first request; the heading names it; --json adds request', () => {
    const text = gatelab(['explain', '--scenario', EXPLAIN_SLOTS, '--client', 'other']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('GET http://api.example.com/other from 198.51.100.21: request other-1, sent at 0 s in explain-slots (base)');
    const json = JSON.parse(gatelab(['explain', '--scenario', EXPLAIN_SLOTS, '--client', 'steady', '--at', '2s100ms', '--json']).stdout);
    expect(json.request).toEqual({ id: 'steady-22', client: 'steady', sentAtMs: 2100 });
  });
});
