// @vitest-environment node
/**
 * The worker's code path against the real engine and the real boundary-burst scenario, in Node:
 * the catalog, the streamed trace, and the same trace hash the CLI prints.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVariant } from '../../../engine/runtimes/sim/run-scenario.ts';
import { jsonlHash } from '../../../engine/trace/hash.ts';
import { loadScenarioText } from '../../../engine/scenario/load.ts';
import { buildTraceIndex } from '../lib/derive/trace-index.ts';
import { countsAt } from '../lib/derive/counters.ts';
import { requestStory } from '../lib/derive/inspector.ts';
import type { FromWorker, TraceEvent } from './protocol.ts';
import { buildCatalog, looksLikeScenario, runSession } from './run-session.ts';
import { TraceDecoder } from './trace-codec.ts';

/** The events of a run's trace batches, decoded as the page does. */
function traceOf(messages: FromWorker[]): TraceEvent[] {
  const decoder = new TraceDecoder();
  return messages.flatMap((m) => (m.type === 'trace-batch' ? decoder.decode<TraceEvent>(m.encoded) : []));
}

const FILE = 'scenarios/rate-limiting/boundary-burst.yaml';

function bundled(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(d.name)) files.set(p.replace(/\\/g, '/'), readFileSync(p, 'utf8'));
    }
  };
  walk('scenarios');
  return files;
}

async function run(variant: string, files = bundled(), batchSize = 300, fileDigest?: boolean): Promise<FromWorker[]> {
  const messages: FromWorker[] = [];
  let clock = 0;
  await runSession({ type: 'run', runId: 7, scenarioFile: FILE, variant, level: 'full', batchSize, ...(fileDigest !== undefined ? { fileDigest } : {}) }, files, (m) => messages.push(m), () => (clock += 1));
  return messages;
}

describe('the worker session', () => {
  it('lists boundary-burst in the catalog with its topic, tags and variants', () => {
    // The lab's catalog is built once at build time (scripts/lab-catalog.ts, tested over every scenario
    // in test/scenarios/lab-catalog.test.ts); here the same code over one scenario and a config file.
    const all = bundled();
    const config = [...all.keys()].find((p) => !looksLikeScenario(all.get(p) ?? ''));
    const catalog = buildCatalog(new Map([FILE, config ?? FILE].map((p) => [p, all.get(p) ?? ''])));
    expect(catalog.map((s) => s.file)).toEqual([FILE]);
    const bb = catalog.find((s) => s.id === 'boundary-burst');
    expect(bb).toMatchObject({ file: FILE, topic: 'rate-limiting', seed: 7 });
    expect(bb?.tags).toContain('fixed-window');
    expect(bb?.variants.map((v) => v.name)).toEqual(expect.arrayContaining(['base', 'same-window']));
    expect(bb?.variants[0]?.name).toBe('base');
    expect(bb?.narration.length).toBeGreaterThan(0);
    expect(bb?.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('streams progress, trace batches and done, then the hash the engine computes', async () => {
    const messages = await run('base');
    const types = messages.map((m) => m.type);
    expect(types[0]).toBe('progress');
    // The run is delivered first; its hash follows, computed from the kept events.
    expect(types.slice(-2)).toEqual(['done', 'hash']);
    let next = 0;
    for (const m of messages) if (m.type === 'trace-batch') {
      expect(m.from).toBe(next);
      expect(m.encoded.shapeIds.length).toBe(m.count);
      next += m.count;
    }
    const events = traceOf(messages);
    expect(events).toHaveLength(next);
    // Batches were cut where the clock moved on: the page knows every instant up to a batch's last t.
    let at = 0;
    for (const m of messages) if (m.type === 'trace-batch') {
      const first = events[m.from] as TraceEvent;
      if (m.from > 0) expect(first.t).toBeGreaterThan((events[m.from - 1] as TraceEvent).t);
      at += m.count;
    }
    expect(at).toBe(events.length);
    // Progress counts simulated time, up to the scenario's duration.
    const progress = messages.flatMap((m) => (m.type === 'progress' && m.phase === 'simulate' ? [m.done] : []));
    expect(progress.length).toBeGreaterThan(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(messages.every((m) => m.runId === 7)).toBe(true);
    const done = messages.at(-2);
    const hash = messages.at(-1);
    const scenario = loadScenarioText(readFileSync(FILE, 'utf8'), FILE, (p) => readFileSync(p, 'utf8')).scenario!;
    const direct = await runVariant(scenario, 'base', { level: 'full' });
    expect(done?.type === 'done' && done.traceHash).toBe('');
    expect(hash?.type === 'hash' && hash.traceHash).toBe(direct.traceHash);
    expect(done?.type === 'done' && done.events).toBe(events.length);
    expect(done?.type === 'done' && done.expectations.every((e) => e.pass)).toBe(true);

    // What the lab will show at 12:01:02 in the base panel.
    const index = buildTraceIndex(events);
    expect(countsAt(index, 62_000).admitted).toBe(200);
  });

  it('writes the JSON lines\' digest unless the run asks it not to, and the same trace hash either way', async () => {
    const scenario = loadScenarioText(readFileSync(FILE, 'utf8'), FILE, (p) => readFileSync(p, 'utf8')).scenario!;
    const direct = await runVariant(scenario, 'base', { level: 'full', keepEvents: true });
    const both = (await run('base')).at(-1);
    const asked = (await run('base', bundled(), 300, true)).at(-1);
    const hashOnly = (await run('base', bundled(), 300, false)).at(-1);
    const fileSha = jsonlHash(direct.events);
    expect(both).toMatchObject({ type: 'hash', traceHash: direct.traceHash, traceFileSha256: fileSha });
    expect(asked).toMatchObject({ type: 'hash', traceHash: direct.traceHash, traceFileSha256: fileSha });
    expect(hashOnly).toMatchObject({ type: 'hash', traceHash: direct.traceHash, traceFileSha256: '' });
  });

  it('shows fewer admitted in same-window, and why the 101st was rejected', async () => {
    const events = traceOf(await run('same-window'));
    const index = buildTraceIndex(events);
    expect(countsAt(index, 62_000)).toMatchObject({ admitted: 100, rejectedTotal: 100 });
    const story = requestStory(index, 'burster-101', 62_000);
    expect(story?.row.status).toBe(429);
    expect(story?.headline).toMatch(/^429 from rate-limit: minute window .* limit reached/);
  });

  it('answers a missing file or a broken scenario with diagnostics, not an exception', async () => {
    const missing: FromWorker[] = [];
    await runSession({ type: 'run', runId: 1, scenarioFile: 'scenarios/none.yaml', variant: 'base', level: 'full' }, new Map(), (m) => missing.push(m), () => 0);
    expect(missing).toMatchObject([{ type: 'error', runId: 1 }]);
    const broken: FromWorker[] = [];
    await runSession({ type: 'run', runId: 2, scenarioFile: 'x.yaml', variant: 'base', level: 'full', text: 'id: x\ntopic: t\nclients: 5\n' }, new Map(), (m) => broken.push(m), () => 0);
    const last = broken.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.diagnostics.length).toBeGreaterThan(0);
  });

  it('tells scenarios from the config files beside them', () => {
    expect(looksLikeScenario('id: a\ntopic: b\nclients: []\n')).toBe(true);
    expect(looksLikeScenario('_format_version: "3.0"\nservices: []\n')).toBe(false);
  });
});
