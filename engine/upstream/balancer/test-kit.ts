/** Shared fixtures for the balancer tests: named hosts, request-keyed draws, pick sequences. */
import { keyedDraw } from '../../core/rng.ts';
import type { BalancedHost, Balancer, PickRequest } from './types.ts';

/** Hosts named a, b, c, … with the given weights (names double as keys in reasons). */
export function named(...weights: number[]): BalancedHost[] {
  return weights.map((weight, i) => ({ key: String.fromCharCode(97 + i), weight }));
}

/** Hosts with address-like keys, for the hashing balancers. */
export function addresses(count: number, weight: (i: number) => number = () => 1): BalancedHost[] {
  return Array.from({ length: count }, (_, i) => ({ key: `10.0.${i >> 8}.${i & 255}:8080`, weight: weight(i) }));
}

export function request(id: string, opts: { hashKey?: string; now?: number; seed?: number } = {}): PickRequest {
  const seed = opts.seed ?? 7;
  return {
    requestId: id,
    ...(opts.hashKey !== undefined ? { hashKey: opts.hashKey } : {}),
    now: opts.now ?? 0,
    draw: (purpose, index = 0) => keyedDraw(seed, purpose, id, index),
  };
}

/** A request whose draws are scripted: draws[purpose][index]; a missing one fails the test loudly. */
export function scripted(draws: Record<string, number[]>, opts: { now?: number; hashKey?: string } = {}): PickRequest {
  return {
    requestId: 'scripted',
    ...(opts.hashKey !== undefined ? { hashKey: opts.hashKey } : {}),
    now: opts.now ?? 0,
    draw: (purpose, index = 0) => {
      const v = draws[purpose]?.[index];
      if (v === undefined) throw new Error(`unscripted draw ${purpose}[${index}]`);
      return v;
    },
  };
}

export function all(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `count` picks over `eligible`, as host keys; `hold` keeps each pick in flight (started, never finished). */
export function sequence(b: Balancer, hosts: readonly BalancedHost[], eligible: readonly number[], count: number, hold = false): string[] {
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const { index } = b.pick(eligible, request(`r${k}`));
    if (hold) b.started(index);
    out.push(hosts[index]?.key ?? '?');
  }
  return out;
}

/** How often each host was picked over `count` keyed requests. */
export function tally(b: Balancer, n: number, count: number, opts: { eligible?: number[]; prefix?: string; hashed?: boolean } = {}): number[] {
  const counts = new Array<number>(n).fill(0);
  const eligible = opts.eligible ?? all(n);
  for (let k = 0; k < count; k++) {
    const id = `${opts.prefix ?? 'req'}-${k}`;
    const { index } = b.pick(eligible, request(id, opts.hashed ? { hashKey: id } : {}));
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}
