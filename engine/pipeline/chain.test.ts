import { describe, expect, it } from 'vitest';
import { ChainRun, runChain, type ChainHost, type ChainStage } from './chain.ts';
import { requestContext } from './test-kit.ts';
import { next, reply, wait, type EffectResult, type Verdict } from './types.ts';

function host(log: string[], deferred: Array<() => void>): ChainHost {
  return {
    replica: 'gw-0',
    now: () => 0,
    draw: () => 0.5,
    decided: (stage, v: Verdict) => log.push(`${stage.plugin}:${v.kind}:${v.reason}`),
    perform: (_effect, _stage, done) => deferred.push(() => done({ ok: true, values: [7] })),
  };
}

const stage = (plugin: string, run: ChainStage['run']): ChainStage => ({ plugin, phase: 'access', run });

describe('runChain', () => {
  it('runs stages in order and reports one decision per verdict', () => {
    const log: string[] = [];
    let result: unknown = 'pending';
    runChain([stage('a', () => next('ok a')), stage('b', () => next('ok b'))], requestContext(), host(log, []), (r) => (result = r));
    expect(log).toEqual(['a:next:ok a', 'b:next:ok b']);
    expect(result).toBeUndefined();
  });

  it('a reply stops the chain', () => {
    const log: string[] = [];
    let status = 0;
    runChain(
      [stage('a', () => reply(429, 'limited')), stage('b', () => next('never'))],
      requestContext(),
      host(log, []),
      (r) => (status = r?.status ?? 0),
    );
    expect(status).toBe(429);
    expect(log).toEqual(['a:reply:limited']);
  });

  it('a wait resumes with the effect result, then the chain goes on', () => {
    const log: string[] = [];
    const deferred: Array<() => void> = [];
    let finished = false;
    runChain(
      [
        stage('a', () =>
          wait({ type: 'store', ops: [{ op: 'get', key: 'k' }] }, 'asking the store', (r) =>
            next(`store said ${r.ok ? r.values?.[0] : 'error'}`),
          ),
        ),
        stage('b', () => next('after')),
      ],
      requestContext(),
      host(log, deferred),
      () => (finished = true),
    );
    expect(finished).toBe(false);
    expect(log).toEqual(['a:wait:asking the store']);
    deferred.shift()!();
    expect(log).toEqual(['a:wait:asking the store', 'a:next:store said 7', 'b:next:after']);
    expect(finished).toBe(true);
  });

  it('a throwing plugin becomes a 500 for that request, never a crash', () => {
    const log: string[] = [];
    let status = 0;
    runChain(
      [
        stage('bad', () => {
          throw new Error('boom');
        }),
      ],
      requestContext(),
      host(log, []),
      (r) => (status = r?.status ?? 0),
    );
    expect(status).toBe(500);
    expect(log[0]).toContain('bad failed in access: boom');
  });

  it('one ChainRun runs chains one after another, each started from the previous one\'s callback', () => {
    const log: string[] = [];
    const deferred: Array<() => void> = [];
    const ends: string[] = [];
    const chains: ChainStage[][] = [
      [stage('a', () => next('a')), stage('w1', () => wait({ type: 'store', ops: [] }, 'waiting 1', (r) => next(`w1 got ${r.ok ? (r.values?.[0] ?? '') : ''}`)))],
      [stage('r', () => reply(401, 'no key')), stage('never', () => next('never'))],
      [stage('w2', () => wait({ type: 'store', ops: [] }, 'waiting 2', () => next('w2 resumed'))), stage('z', () => next('z'))],
    ];
    let started = 0;
    const run: ChainRun = new ChainRun(requestContext(), host(log, deferred), {
      chainDone: (reply) => {
        ends.push(reply ? `reply ${reply.status}` : 'done');
        // The next chain starts inside this callback, as RequestRun starts the response phase.
        if (started < chains.length) run.start(chains[started++] as ChainStage[]);
      },
    });
    run.start(chains[started++] as ChainStage[]);
    while (deferred.length > 0) (deferred.shift() as () => void)();
    expect(ends).toEqual(['done', 'reply 401', 'done']);
    expect(log).toEqual(['a:next:a', 'w1:wait:waiting 1', 'w1:next:w1 got 7', 'r:reply:no key', 'w2:wait:waiting 2', 'w2:next:w2 resumed', 'z:next:z']);
  });
});

describe('ChainRun with its owner\'s effect callback', () => {
  it('hands the owner\'s callback to the host, and resumeAfter goes on exactly as its own callback would', () => {
    const run = (shared: boolean): { log: string[]; callbacks: unknown[]; result: unknown } => {
      const log: string[] = [];
      const callbacks: unknown[] = [];
      let result: unknown = 'pending';
      let pending: ((r: EffectResult) => void) | undefined;
      const h: ChainHost = {
        ...host(log, []),
        perform: (_effect, _stage, done) => {
          callbacks.push(done);
          pending = done;
        },
      };
      const waits = (n: number): ChainStage =>
        stage(`w${n}`, () => wait({ type: 'store', ops: [{ op: 'get', key: `k${n}` }] }, `asking ${n}`, (r) => next(`got ${r.ok ? r.values?.[0] : '-'}`)));
      let chain: ChainRun | undefined;
      const onEffect = shared ? (r: EffectResult): void => chain?.resumeAfter(r) : undefined;
      chain = new ChainRun(requestContext(), h, (r) => (result = r), onEffect);
      chain.start([waits(1), stage('b', () => next('ok b')), waits(2)]);
      pending?.({ ok: true, values: [1] });
      pending?.({ ok: true, values: [2] });
      if (shared) expect(callbacks.every((c) => c === onEffect)).toBe(true);
      else expect(new Set(callbacks).size).toBe(1);
      return { log, callbacks, result };
    };
    const own = run(false);
    const shared = run(true);
    expect(shared.log).toEqual(own.log);
    expect(shared.result).toEqual(own.result);
    expect(own.log).toEqual(['w1:wait:asking 1', 'w1:next:got 1', 'b:next:ok b', 'w2:wait:asking 2', 'w2:next:got 2']);
  });
});
