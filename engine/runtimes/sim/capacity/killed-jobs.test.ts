/**
 * CPU jobs of requests killed with their replica: a job's work is done exactly when its request was
 * not killed by the time the job ends (the definition before the kill counter and the replica's life
 * let most jobs skip the set of killed ids), whether the job comes with the life its request runs in
 * (as the simulation host's do) or without. Set FC_SEED to replay a failing run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue, PRIORITY } from '../../../core/event-queue.ts';
import { TraceCollector } from '../../../trace/sink.ts';
import type { HandledRequest } from '../../../pipeline/gateway.ts';
import type { CapacitySpec } from '../../../scenario/types.ts';
import { CapacityModel, type CpuJob, type FrontCall, type ReplicaLife } from './model.ts';

const MI = 1024 * 1024;
const SPEC: CapacitySpec = { cpuMillicores: 250, baseMemoryBytes: 100 * MI, memoryPerRequestBytes: MI, restartAfterOomMs: 40 };

class RecordingJob implements CpuJob {
  queuedBy: CapacityModel | undefined = undefined;
  done = false;

  constructor(
    readonly requestId: string,
    readonly life: ReplicaLife | undefined,
    /** The requests the front reset in an OOM kill so far, as the test saw them answered. */
    private readonly dead: ReadonlySet<string>,
    private readonly then: () => void,
  ) {}

  cpuDone(): void {
    // The definition: never done for a request that is dead by now.
    expect(this.dead.has(this.requestId)).toBe(false);
    this.done = true;
    this.then();
  }
}

describe('CapacityModel CPU jobs and OOM kills', () => {
  it('a job is done exactly when its request is still alive as it ends; a killed request queues no more work', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] capacity killed-jobs seed=${seed} (replay: FC_SEED=${seed})`);
    const request = fc.record({
      gapMs: fc.integer({ min: 0, max: 15 }),
      jobs: fc.array(fc.record({ cpuUs: fc.integer({ min: 1, max: 4000 }), waitMs: fc.integer({ min: 0, max: 30 }) }), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 40 }), fc.integer({ min: 101, max: 106 }), fc.boolean(), (reqs, limitMi, withLife) => {
        const queue = new EventQueue();
        const model = new CapacityModel({ spec: { ...SPEC, memoryBytes: limitMi * MI }, queue, sink: new TraceCollector('summary'), restart: () => undefined });
        const jobs: RecordingJob[] = [];
        /** Ids the front answered "connection reset: … was OOM-killed": the oracle, apart from the model's own record. */
        const dead = new Set<string>();
        /** Jobs whose submit found their request dead already: never queued, so never done. */
        const refused: RecordingJob[] = [];
        let at = 0;
        reqs.forEach((q, i) => {
          const id = `r${i}`;
          at += q.gapMs;
          queue.schedule(at, PRIORITY.arrival, () => {
            const call: FrontCall = {
              requestId: id,
              replica: 'gw-0',
              run: () => {
                // The life the request runs in, taken as it starts (as the host's is).
                const life = withLife ? model.life('gw-0') : undefined;
                // Each request runs its CPU jobs one after another, with an I/O wait between them.
                const next = (k: number): void => {
                  const spec = q.jobs[k];
                  if (!spec) return model.replicaDone(call, { response: { status: 200 } } as HandledRequest);
                  const job = new RecordingJob(id, life, dead, () => queue.schedule(queue.now + spec.waitMs, PRIORITY.effect, () => next(k + 1), undefined));
                  if (dead.has(id)) refused.push(job);
                  jobs.push(job);
                  model.submit('gw-0', spec.cpuUs, job);
                };
                next(0);
              },
              answer: () => undefined,
              fail: (_status, _source, reason) => {
                if (reason.includes('OOM-killed')) dead.add(id);
              },
            };
            model.enter(call);
          }, undefined);
        });
        while (queue.step()) { /* run to the end */ }
        // Every job that was not done belongs to a request that died; a done one was checked alive when it ended.
        for (const job of jobs) if (!job.done) expect(dead.has(job.requestId)).toBe(true);
        reqs.forEach((_, i) => expect(model.isKilled(`r${i}`)).toBe(dead.has(`r${i}`)));
        for (const job of refused) expect(job.done).toBe(false);
      }),
      { seed, numRuns: 300 },
    );
  });
});
