/**
 * Properties every balancer keeps whatever the config, hosts and traffic (semantics §10): a pick is
 * always one of the eligible hosts, and the same inputs give the same picks and reasons — the
 * determinism that lets the simulation and the proxy agree. Set FC_SEED to replay a failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BalancerIR } from '../policy.ts';
import { createBalancer } from './index.ts';
import { request } from './test-kit.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] balancer seed=${seed} (replay: FC_SEED=${seed})`);

const spec: fc.Arbitrary<BalancerIR> = fc.oneof(
  fc.constant<BalancerIR>({ kind: 'round-robin' }),
  fc.constant<BalancerIR>({ kind: 'weighted-round-robin' }),
  fc.constant<BalancerIR>({ kind: 'least-connections' }),
  fc.record({ choiceCount: fc.integer({ min: 2, max: 4 }), activeRequestBias: fc.constantFrom(0, 0.5, 1, 2) }).map((r): BalancerIR => ({ kind: 'least-request', ...r })),
  fc.constant<BalancerIR>({ kind: 'random' }),
  fc.integer({ min: 100, max: 20_000 }).map((decayMs): BalancerIR => ({ kind: 'ewma', decayMs })),
  fc
    .tuple(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 0, max: 1024 }))
    .map(([min, extra]): BalancerIR => ({ kind: 'ring-hash', hashOn: { source: 'ip' }, minRingSize: min, maxRingSize: min + extra })),
  fc.constantFrom(13, 31, 251, 4099).map((tableSize): BalancerIR => ({ kind: 'maglev', hashOn: { source: 'path' }, tableSize })),
  fc.constantFrom('remote_addr', 'binary_remote_addr', 'request_uri').map((variable): BalancerIR => ({ kind: 'nginx-chash', hashOn: { source: 'ip' }, variable })),
);

const op = fc.record({
  mask: fc.integer({ min: 0, max: 255 }),
  hashKey: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
  id: fc.string({ minLength: 1, maxLength: 8 }),
  finish: fc.boolean(),
  failed: fc.boolean(),
  rttMs: fc.integer({ min: 0, max: 2000 }),
  dtMs: fc.integer({ min: 0, max: 5000 }),
});

const world = fc.record({
  spec,
  weights: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 }),
  ops: fc.array(op, { minLength: 1, maxLength: 40 }),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** Plays the traffic: pick, start, and (when asked) finish the oldest request still in flight. */
function play(w: World): { eligible: number[]; index: number; reason: string }[] {
  const hosts = w.weights.map((weight, i) => ({ key: `10.1.0.${i}:80`, weight }));
  const b = createBalancer(w.spec, hosts);
  const inFlight: number[] = [];
  const picks: { eligible: number[]; index: number; reason: string }[] = [];
  let now = 1_700_000_000_000;
  for (const o of w.ops) {
    now += o.dtMs;
    let eligible = hosts.map((_, i) => i).filter((i) => (o.mask >> i) & 1);
    if (eligible.length === 0) eligible = [o.mask % hosts.length];
    const pick = b.pick(eligible, request(o.id, { now, ...(o.hashKey !== undefined ? { hashKey: o.hashKey } : {}) }));
    picks.push({ eligible, ...pick });
    b.started(pick.index);
    inFlight.push(pick.index);
    if (o.finish) b.finished(inFlight.shift() as number, { failed: o.failed, rttMs: o.rttMs, now });
  }
  JSON.stringify(b.snapshot());
  return picks;
}

describe('balancer properties (semantics §10)', () => {
  it('every pick is one of the eligible hosts, with a reason', () => {
    fc.assert(
      fc.property(world, (w) => {
        for (const p of play(w)) {
          expect(p.eligible).toContain(p.index);
          expect(p.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed },
    );
  });

  it('the same config, hosts and traffic give the same picks and reasons', () => {
    fc.assert(
      fc.property(world, (w) => {
        expect(play(w)).toEqual(play(w));
      }),
      { seed },
    );
  });
});
