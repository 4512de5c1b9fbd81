/**
 * `gatelab explain --scenario --at`'s probe is one more client of the run: it crosses the
 * client-to-gateway network both ways and lands on the replica the front balancer picks next, not
 * on the first replica (docs/cli.md, explain).
 */
import { describe, expect, it } from 'vitest';
import { explainInScenario, type ScenarioProbe } from '../../engine/runtimes/sim/explain-scenario.ts';
import type { ExplainResult } from '../../engine/runtimes/sim/explain.ts';
import { scenarioFile } from '../support/scenario-file.ts';

const FRONT_PICK = 'test/cli/fixtures/explain-front-pick.yaml';

async function probe(atMs: number, extra: Partial<ScenarioProbe> = {}): Promise<ExplainResult> {
  const s = scenarioFile(FRONT_PICK);
  const client = s.clients[0]!;
  const out = await explainInScenario(s, 'base', { method: 'GET', url: client.request.url, headers: [], clientIp: client.ip, atMs, ...extra });
  if (!out.result) throw new Error(JSON.stringify(out.diagnostics));
  return out.result;
}

describe("explain's probe, sent like a client's request", () => {
  it("goes to the front balancer's next replica (gw-1, whose local minute is unused), not to gw-0", async () => {
    const r = await probe(2000);
    expect(r.status).toBe(200);
    expect(r.decisions.find((d) => d.plugin.startsWith('rate-limit'))?.reason).toMatch(/1 of 1 used/);
  });

  it('a second probe at the same instant goes round to gw-0, whose minute the client used up: 429', async () => {
    const r = await probe(2000, { repeat: 1 });
    expect(r.status).toBe(429);
  });

  it('crosses the client-to-gateway network (50 ms): what it meets depends on when it reaches the front, not when it was sent', async () => {
    // Two probes each time; the second is explained. Sent at 990 ms they reach the front at 1040 ms,
    // before the client's request (sent 1000, there at 1050): gw-0, then gw-1, both unused: 200.
    expect((await probe(990, { repeat: 1 })).status).toBe(200);
    // Sent at 1020 ms they reach it at 1070 ms, after the client's took gw-0's minute: gw-1, then gw-0: 429.
    expect((await probe(1020, { repeat: 1 })).status).toBe(429);
  });

  it('is not reported as a request of the scenario’s own clients (no `request` field, which is --client’s)', async () => {
    const r = await probe(2000);
    expect(r).not.toHaveProperty('request');
  });
});
