/**
 * `gatelab explain --scenario`'s probe goes through the capacity model like a client's request: it
 * takes a slot or waits for one, is refused when the wait queue is full, and dies with its replica in
 * an OOM kill; explain prints each wait and who answered (docs/capacity.md).
 */
import { describe, expect, it } from 'vitest';
import { explainInScenario, type ScenarioProbe } from '../../engine/runtimes/sim/explain-scenario.ts';
import type { ExplainResult } from '../../engine/runtimes/sim/explain.ts';
import { gatelab } from '../support/cli.ts';
import { EXPLAIN_SLOTS, scenarioFile, WAR_STORY } from '../support/scenario-file.ts';

async function probe(path: string, atMs: number, extra: Partial<ScenarioProbe> = {}, variant = 'base'): Promise<ExplainResult> {
  const s = scenarioFile(path);
  const client = s.clients[0]!;
  const out = await explainInScenario(s, variant, { method: client.request.method, url: client.request.url, headers: client.request.headers, clientIp: client.ip, atMs, ...extra });
  if (!out.result) throw new Error(JSON.stringify(out.diagnostics));
  return out.result;
}

describe('the probe takes a slot like any request', () => {
  it('with both slots busy it waits in the queue, then runs: the wait comes before every decision', async () => {
    const r = await probe(EXPLAIN_SLOTS, 1000);
    expect(r.status).toBe(200);
    const wait = r.waits?.[0];
    expect(wait).toMatchObject({ for: 'slot', ended: 'slot', afterDecisions: 0 });
    expect(wait!.ms).toBeGreaterThan(0);
    expect(wait!.text).toMatch(/^waited \d+ ms for a slot on gw-0 \(\d requests? ahead of it\), then got one$/);
    expect(r.answeredBy).toBeUndefined();
  });

  it('each --repeat probe holds a place too: the explained one has one more ahead of it per repeat, until the queue is full', async () => {
    const ahead = async (repeat: number): Promise<ExplainResult> => probe(EXPLAIN_SLOTS, 30, { repeat });
    const [zero, one, three] = await Promise.all([ahead(0), ahead(1), ahead(3)]);
    expect(zero.waits?.[0]?.text).toContain('(first in the queue)');
    expect(one.waits?.[0]?.text).toContain('(1 request ahead of it)');
    // The queue holds 3: the fourth request in it is refused and the front balancer answers.
    expect(three.status).toBe(502);
    expect(three.decisions).toEqual([]);
    expect(three.waits?.[0]).toMatchObject({ for: 'slot', ended: 'refused', ms: 0 });
    expect(three.answeredBy).toEqual({ source: 'front', reason: "connection refused: gw-0's queue is full (3 waiting)" });
    expect(three.upstream).toBeNull();
  });

  it('on the war story overload it dies with the pod when the pod is OOM-killed: 502 from the front', async () => {
    const r = await probe(WAR_STORY, 4000, {}, 'overload');
    expect(r.status).toBe(502);
    expect(r.answeredBy).toEqual({ source: 'front', reason: 'connection reset: gw-0 was OOM-killed' });
    const last = r.waits?.at(-1);
    expect(last).toMatchObject({ for: 'cpu', ended: 'oom-killed' });
    expect(last!.text).toContain('until gw-0 was OOM-killed (the front balancer answered 502)');
  });

  it('while the OOM-killed pod restarts there is no live replica: 503 from the front', async () => {
    const r = await probe(WAR_STORY, 10_000, {}, 'overload');
    expect(r).toMatchObject({ status: 503, answeredBy: { source: 'front' }, decisions: [] });
  });

  it('without a capacity model nothing changes: no waits, no answeredBy, the pipeline answers', async () => {
    const r = await probe('scenarios/rate-limiting/boundary-burst.yaml', 1000);
    expect(r.status).toBe(200);
    expect(r).not.toHaveProperty('waits');
    expect(r).not.toHaveProperty('answeredBy');
  });
});

describe('the text form', () => {
  it('prints the slot wait first and says who answered a refused probe', () => {
    const r = gatelab(['explain', '--scenario', EXPLAIN_SLOTS, '--at', '30ms', '--repeat', '3']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('GET http://api.example.com/work from 198.51.100.20 (after 3 identical) at 30ms in explain-slots (base)');
    expect(lines[1]).toMatch(/^ {2}wait +slot +refused at once: gw-0's wait queue was full \(3 waiting\)/);
    expect(lines[2]).toBe("→ 502 from the front balancer: connection refused: gw-0's queue is full (3 waiting)");
  });
});
