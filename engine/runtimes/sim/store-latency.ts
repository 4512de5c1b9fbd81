/**
 * How long one round trip to the counter store (Redis) takes in the simulation.
 *
 * The rule: the store is the backend named `redis` or `store` — the same two names an `outage` event
 * uses to take the store down. When the scenario declares one, each round trip takes a fresh draw
 * from its `latency`, read as the **whole round trip** seen from the gateway (there, Redis's own
 * work, back). That is the number `redis-cli --latency` prints, so a measured value carries over
 * as it is. `network.gatewayToBackend` is not added on top: a Redis often sits on another path than
 * the upstreams (a node-local or sidecar Redis, another zone), and one declared number keeps a
 * "faster Redis" what-if to a single edit. Without such a backend every round trip is 1 ms.
 *
 * The plugins' `redis.host` is not consulted: the simulation has one counter store that every
 * policy-redis plugin shares (one keyspace), so it has one latency.
 */
import type { Rng } from '../../core/rng.ts';
import type { BackendSpec, LatencyModel } from '../../scenario/types.ts';
import { sampleLatency } from './latency.ts';

/** One Redis round trip on a local network, used when the scenario declares no store backend. */
export const DEFAULT_STORE_RTT_MS = 1;

/** The backend names that stand for the counter store (events use the same two). */
export const STORE_BACKEND_NAMES: readonly string[] = ['redis', 'store'];

export interface StoreLatency {
  /** The declared backend the latency comes from; undefined = the 1 ms default. */
  backend?: BackendSpec;
  model: LatencyModel;
}

/** Which latency a scenario gives its counter store (`redis` wins when both names are declared). */
export function storeLatencyOf(backends: readonly BackendSpec[]): StoreLatency {
  for (const name of STORE_BACKEND_NAMES) {
    const backend = backends.find((b) => b.name === name);
    if (backend) return { backend, model: backend.latency };
  }
  return { model: { kind: 'constant', ms: DEFAULT_STORE_RTT_MS } };
}

/** One round trip's duration in ms; draws from the store backend's own stream, so no other draw moves. */
export function sampleStoreRoundTrip(latency: StoreLatency, stream: () => Rng): number {
  // A constant needs no draw; asking for the stream only when it is needed keeps runs without a
  // random store latency byte-identical to before the rule existed.
  return latency.model.kind === 'constant' ? Math.max(0, latency.model.ms) : Math.max(0, sampleLatency(latency.model, stream()));
}
