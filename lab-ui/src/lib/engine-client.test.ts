import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../worker/protocol.ts';
import { DEFAULT_MAX_WORKERS, EngineClient, PROGRESS_EVERY_MS } from './engine-client.ts';
import { TraceEncoder } from '../worker/trace-codec.ts';

class ManualWorker {
  static all: ManualWorker[] = [];
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  posted: ToWorker[] = [];
  terminated = false;
  constructor() {
    ManualWorker.all.push(this);
  }
  postMessage(m: ToWorker): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  send(d: FromWorker): void {
    this.onmessage?.({ data: d } as MessageEvent<FromWorker>);
  }
}

const done = (runId: number): FromWorker => ({ type: 'done', runId, variant: 'base', traceHash: 'h', requests: 0, events: 0, clients: [], expectations: [], warnings: [], timing: { simulateMs: 0, streamMs: 0 } });

describe('EngineClient', () => {
  it('collects trace batches in order and resolves on done, ignoring stale run ids', async () => {
    ManualWorker.all = [];
    const client = new EngineClient(() => new ManualWorker() as unknown as Worker, 2);
    const progress: string[] = [];
    const batches: string[][] = [];
    const hashes: string[] = [];
    const h = client.run(
      { scenarioFile: 'a.yaml', variant: 'base', level: 'full' },
      { progress: (p, d, t) => progress.push(`${p}:${d}/${t}`), batch: (evs) => batches.push(evs.map((e) => e.type)), hash: (h, _ms, file) => hashes.push(h, file) },
    );
    const w = ManualWorker.all[0]!;
    const runId = (w.posted[0] as { runId: number }).runId;
    w.send({ type: 'progress', runId, phase: 'simulate', done: 1, total: 2 });
    const encoder = new TraceEncoder();
    w.send({ type: 'trace-batch', runId, from: 0, count: 1, encoded: encoder.encode([{ type: 'run.start', t: 0, scenario: 's', variant: 'base', seed: 1, start: 'x' }]) });
    w.send({ type: 'trace-batch', runId: runId + 999, from: 0, count: 1, encoded: new TraceEncoder().encode([{ type: 'run.end', t: 0, requests: 0 }]) });
    w.send({ type: 'trace-batch', runId, from: 1, count: 1, encoded: encoder.encode([{ type: 'run.end', t: 5, requests: 0 }]) });
    w.send(done(runId));
    const r = await h.result;
    expect(r.ok && r.events).toEqual([{ type: 'run.start', t: 0, scenario: 's', variant: 'base', seed: 1, start: 'x' }, { type: 'run.end', t: 5, requests: 0 }]);
    expect(progress).toEqual(['simulate:1/2']);
    // Each batch of this run is handed over decoded, as it arrives; the stale run's is not.
    expect(batches).toEqual([['run.start'], ['run.end']]);
    // Done, but the worker still owes the trace hash: it ends once that arrives.
    expect(w.terminated).toBe(false);
    w.send({ type: 'hash', runId, traceHash: 'abc', traceFileSha256: 'def', hashMs: 1 });
    expect(hashes).toEqual(['abc', 'def']);
    expect(w.terminated).toBe(true);
  });

  it('reports a run\'s progress at most every PROGRESS_EVERY_MS within a phase, and each new phase at once', () => {
    ManualWorker.all = [];
    let now = 1000;
    const client = new EngineClient(() => new ManualWorker() as unknown as Worker, 2, () => now);
    const progress: string[] = [];
    client.run({ scenarioFile: 'a.yaml', variant: 'base', level: 'full' }, { progress: (p, d, t) => progress.push(`${p}:${d}/${t}`) });
    const w = ManualWorker.all[0]!;
    const runId = (w.posted[0] as { runId: number }).runId;
    const at = (ms: number, phase: 'load' | 'simulate', done: number): void => {
      now = 1000 + ms;
      w.send({ type: 'progress', runId, phase, done, total: 100 });
    };
    at(0, 'load', 0);
    at(1, 'simulate', 0);
    at(2, 'simulate', 10);
    at(PROGRESS_EVERY_MS, 'simulate', 20);
    // PROGRESS_EVERY_MS after the last one reported (at 1): reported.
    at(PROGRESS_EVERY_MS + 1, 'simulate', 30);
    at(PROGRESS_EVERY_MS + 2, 'simulate', 35);
    at(2 * PROGRESS_EVERY_MS + 1, 'simulate', 40);
    expect(progress).toEqual(['load:0/100', 'simulate:0/100', 'simulate:30/100', 'simulate:40/100']);
  });

  it('gives a worker that is hashing after done its slot back only when the hash arrives, or on cancel', async () => {
    ManualWorker.all = [];
    const client = new EngineClient(() => new ManualWorker() as unknown as Worker, 1);
    const a = client.run({ scenarioFile: 'a.yaml', variant: 'base', level: 'full' });
    const b = client.run({ scenarioFile: 'a.yaml', variant: 'v2', level: 'full' });
    const first = ManualWorker.all[0]!;
    const runId = (first.posted[0] as { runId: number }).runId;
    first.send(done(runId));
    await expect(a.result).resolves.toMatchObject({ ok: true });
    expect(ManualWorker.all, 'the next run waits for the hash').toHaveLength(1);
    a.cancel();
    expect(first.terminated).toBe(true);
    expect(ManualWorker.all).toHaveLength(2);
    b.cancel();
  });

  it('runs at most maxWorkers at once and starts queued runs as others finish or are cancelled', async () => {
    ManualWorker.all = [];
    const client = new EngineClient(() => new ManualWorker() as unknown as Worker, 1);
    const a = client.run({ scenarioFile: 'a.yaml', variant: 'base', level: 'full' });
    const b = client.run({ scenarioFile: 'a.yaml', variant: 'v2', level: 'full' });
    const c = client.run({ scenarioFile: 'a.yaml', variant: 'v3', level: 'full' });
    expect(ManualWorker.all).toHaveLength(1);
    b.cancel();
    await expect(b.result).resolves.toMatchObject({ ok: false, cancelled: true });
    const first = ManualWorker.all[0]!;
    first.send({ type: 'error', runId: (first.posted[0] as { runId: number }).runId, diagnostics: [{ severity: 'error', code: 'GL_E_FILE', message: 'nope' }] });
    await expect(a.result).resolves.toMatchObject({ ok: false, diagnostics: [{ message: 'nope' }] });
    expect(ManualWorker.all).toHaveLength(2);
    expect((ManualWorker.all[1]!.posted[0] as { variant: string }).variant).toBe('v3');
    c.cancel();
    expect(ManualWorker.all[1]!.terminated).toBe(true);
  });

  it('by default starts every panel of the largest comparison at once, so none holds the shared timeline at 0 in a queue', () => {
    ManualWorker.all = [];
    const client = new EngineClient(() => new ManualWorker() as unknown as Worker);
    // bottleneck-diagnosis, the scenario with the most variants, has 7.
    const variants = ['base', 'wrong-fix', 'faster-redis', 'raise-timeout', 'more-memory', 'immediate-fix', 'long-term-fix'];
    const runs = variants.map((variant) => client.run({ scenarioFile: 'a.yaml', variant, level: 'full' }));
    expect(DEFAULT_MAX_WORKERS).toBeGreaterThanOrEqual(variants.length);
    expect(ManualWorker.all.map((w) => (w.posted[0] as { variant: string }).variant)).toEqual(variants);
    for (const r of runs) r.cancel();
  });
});
