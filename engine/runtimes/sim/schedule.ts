/**
 * The send schedule of a scenario: every request's id, client and send offset. The simulation and
 * `gatelab verify`'s real-time driver both read it, so they send the same requests at the same times.
 */
import { Rng } from '../../core/rng.ts';
import type { ClientSpec, Scenario } from '../../scenario/types.ts';
import { arrivals } from './traffic.ts';

export interface ClientSchedule {
  client: ClientSpec;
  /** Send offsets in ms from the start, ascending; request n (1-based) is `${client.id}-${n}`. */
  times: number[];
}

export function rootRng(seed: number): Rng {
  return new Rng(seed, 'scenario');
}

export function clientSchedules(scenario: Scenario, seed: number): ClientSchedule[] {
  const root = rootRng(seed);
  return scenario.clients.map((client) => ({
    client,
    times: arrivals(client.traffic, root.split(`client/${client.id}`), scenario.durationMs),
  }));
}

export interface ScheduledRequest {
  id: string;
  client: ClientSpec;
  atMs: number;
}

/** Every request of every client, in send order (ties: client order, then request number). */
export function flatSchedule(scenario: Scenario, seed: number): ScheduledRequest[] {
  const out: ScheduledRequest[] = [];
  for (const { client, times } of clientSchedules(scenario, seed)) {
    times.forEach((atMs, i) => out.push({ id: `${client.id}-${i + 1}`, client, atMs }));
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
