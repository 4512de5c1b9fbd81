/**
 * Spans derived from a real simulated run of scenarios/observability/trace-propagation.yaml: the ids
 * the pipeline stamped on headers and the ids derived afterwards must be the same ones.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../cli/load.ts';
import { runVariant } from '../../runtimes/sim/run-scenario.ts';
import type { UpstreamSendEvent } from '../../trace/events.ts';
import { deriveSpans } from './spans.ts';

const FILE = 'scenarios/observability/trace-propagation.yaml';

async function run(variant: string, level: 'full' | 'decisions' = 'full') {
  const { scenario } = loadScenarioFile(FILE);
  if (!scenario) throw new Error(`${FILE} did not load`);
  return runVariant(scenario, variant, { level });
}

describe('spans from the trace', () => {
  it('tie every hop of fresh-1 into one tree rooted at the gateway', async () => {
    const { events } = await run('base');
    const spans = deriveSpans(events).get('fresh-1') ?? [];
    const byName = new Map(spans.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(['auth.internal', 'catalog', 'forward-auth', 'gateway', 'inventory', 'upstream']);
    const root = byName.get('gateway')!;
    expect(root.parentSpanId).toBeUndefined();
    for (const s of spans) expect(s.traceId).toBe(root.traceId);
    const parentOf = (name: string) => spans.find((s) => s.spanId === byName.get(name)!.parentSpanId)?.name;
    expect([parentOf('forward-auth'), parentOf('upstream'), parentOf('auth.internal'), parentOf('catalog'), parentOf('inventory')]).toEqual(['gateway', 'gateway', 'forward-auth', 'upstream', 'catalog']);
    // Children sit inside their parents in time.
    for (const s of spans.filter((x) => x.parentSpanId)) {
      const p = spans.find((x) => x.spanId === s.parentSpanId)!;
      expect(s.startMs).toBeGreaterThanOrEqual(p.startMs);
      expect(s.endMs).toBeLessThanOrEqual(p.endMs);
    }
  });

  it('derive the same upstream span id the header carried', async () => {
    const { events } = await run('base');
    const send = events.find((e): e is UpstreamSendEvent => e.type === 'upstream.send' && e.req === 'fresh-1')!;
    const header = String(send.headers?.['traceparent']);
    const upstream = deriveSpans(events).get('fresh-1')!.find((s) => s.name === 'upstream')!;
    expect(header).toBe(`00-${upstream.traceId}-${upstream.spanId}-01`);
  });

  it('show the broken trace when catalog drops the header', async () => {
    const { events } = await run('catalog-drops-header');
    const spans = deriveSpans(events).get('fresh-1')!;
    const inventory = spans.find((s) => s.name === 'inventory')!;
    expect(inventory.parentSpanId).toBeUndefined();
    expect(inventory.traceId).not.toBe(spans.find((s) => s.name === 'gateway')!.traceId);
  });

  it('leave the decisions-level trace without span events, and its hash the same with or without span recording', async () => {
    const decisions = await run('base', 'decisions');
    expect(decisions.events.some((e) => e.type === 'span')).toBe(false);
    const again = await run('base', 'decisions');
    expect(again.traceHash).toBe(decisions.traceHash);
    const full = await run('base');
    // Same requests, same statuses and latencies at both levels: recording spans changes no timing.
    const ends = (evs: typeof full.events) => evs.filter((e) => e.type === 'request.end').map((e) => JSON.stringify({ ...e, headers: undefined, body: undefined }));
    expect(ends(full.events)).toEqual(ends(decisions.events));
  });
});
