/**
 * How the simulation answers a pipeline's effects: a Redis command half a round trip away (the round
 * trip follows the scenario's store backend, store-latency.ts), an HTTP
 * callout answered by the backend bound to its URL, a sleep, CPU work already charged, and an
 * asynchronous computation (WebCrypto) memoised when its answer cannot change.
 */
import { EventQueue, PRIORITY } from '../../core/event-queue.ts';
import { keyedDraw, type Rng } from '../../core/rng.ts';
import type { Effect, EffectResult, StoreOp } from '../../pipeline/types.ts';
import type { BackendSpec, Scenario } from '../../scenario/types.ts';
import type { BackendModels } from './backend-model.ts';
import { calloutAnswer, findCalloutBackend } from './callouts.ts';
import { calloutArrival } from './backend-calls.ts';
import { sampleLatency, ZERO_LATENCY } from './latency.ts';
import type { ModeledStore } from './store.ts';
import { sampleStoreRoundTrip, storeLatencyOf } from './store-latency.ts';
import { readHeldBody } from '../../pipeline/read-body.ts';

export { DEFAULT_STORE_RTT_MS } from './store-latency.ts';

export interface EffectDeps {
  queue: EventQueue;
  store: ModeledStore;
  models: BackendModels;
  scenario: Scenario;
  seed: number;
  /** The gateway → backend network stream. */
  g2bRng: Rng;
  /** Epoch ms on the virtual clock. */
  now: () => number;
  /** Asynchronous work the run loop must await before it steps on. */
  pendingAsync: Array<Promise<void>>;
  asyncMemo: Map<string, EffectResult>;
}

/**
 * Who hears an effect's answer: the pipeline's callback, or an object that holds the answer until its
 * event fires and then decides whether anyone is left to read it (simulate.ts: a request that died
 * with its replica meanwhile reads nothing). An object, not a wrapping closure: the host already has
 * one per effect, and the answer waits in it instead of in a closure's context.
 */
export interface HeldAnswer {
  answer: EffectResult | undefined;
  deliver(): void;
}

export type EffectFinish = ((r: EffectResult) => void) | HeldAnswer;

/** The answer reaches `finish` at `at`: the same event, in the same order, for a function and a held answer. */
function answerAt(queue: EventQueue, at: number, finish: EffectFinish, result: EffectResult): void {
  if (typeof finish === 'function') {
    queue.schedule(at, PRIORITY.effect, finish, result);
    return;
  }
  finish.answer = result;
  queue.schedule(at, PRIORITY.effect, deliverHeld, finish);
}

function deliverHeld(held: HeldAnswer): void {
  held.deliver();
}

export function createEffectAnswerer(deps: EffectDeps): (effect: Effect, requestId: string, finish: EffectFinish) => void {
  const { queue, models, scenario, seed, g2bRng, pendingAsync, asyncMemo } = deps;
  const storeLatency = storeLatencyOf(scenario.backends);
  const storeStream = (): Rng => models.stream(storeLatency.backend?.name ?? 'store');
  // Callout URLs repeat (one JWKS, one auth endpoint): each is matched to its backend once per run,
  // not parsed with URL per call. Bounded in case a plugin puts per-request text in the URL.
  const calloutBackends = new Map<string, BackendSpec | undefined>();
  const calloutBackendFor = (url: string): BackendSpec | undefined => {
    const known = calloutBackends.get(url);
    if (known !== undefined || calloutBackends.has(url)) return known;
    const backend = findCalloutBackend(scenario.backends, url);
    if (calloutBackends.size >= CALLOUT_MEMO_MAX) calloutBackends.clear();
    calloutBackends.set(url, backend);
    return backend;
  };
  return (effect: Effect, requestId: string, finish: EffectFinish): void => {
    switch (effect.type) {
      case 'store': {
        const rtt = sampleStoreRoundTrip(storeLatency, storeStream);
        // The command reaches Redis half a round trip later and is applied then.
        const call: StoreCall = { deps, ops: effect.ops, half: rtt / 2, finish };
        queue.schedule(queue.now + call.half, PRIORITY.effect, storeCommandArrives, call);
        return;
      }
      case 'http': {
        // A callout (forward auth, JWKS) is answered by the backend bound to its URL's host (callouts.ts).
        const backend = calloutBackendFor(effect.url);
        if (!backend) {
          const result: EffectResult = { ok: true, status: 200, headers: [], body: '' };
          answerAt(queue, queue.now + sampleLatency(ZERO_LATENCY, g2bRng), finish, result);
          return;
        }
        const model = models.modelAt(backend, queue.now);
        const networkMs = 2 * sampleLatency(scenario.network.gatewayToBackend, g2bRng);
        const ownMs = sampleLatency(model.latency, models.stream(backend.name));
        // The auth server may call backends of its own, and records its span (backend-calls.ts).
        const arrival = models.calls ? calloutArrival(backend, requestId, effect, queue.now + networkMs / 2) : undefined;
        const visit = arrival ? models.calls?.calls(arrival, arrival.arriveAt) : undefined;
        const workMs = ownMs + (visit?.ms ?? 0);
        // Keyed by request and URL, like the upstream error draw, so a retry of the same call fails alike.
        const failed = model.errorRate > 0 && keyedDraw(seed, 'callout-error', `${requestId} ${effect.url}`) < model.errorRate;
        const down = models.isDown(backend.name, queue.now);
        const { afterMs, result } = calloutAnswer(effect, backend, { networkMs, workMs, down, failed, errorStatus: model.errorStatus });
        if (visit && arrival && !down) models.calls?.record(visit, arrival, 0, arrival.arriveAt + workMs, failed ? model.errorStatus : backend.status);
        answerAt(queue, queue.now + afterMs, finish, result);
        return;
      }
      case 'sleep':
        answerAt(queue, queue.now + Math.max(0, effect.ms), finish, EFFECT_DONE);
        return;
      case 'compute':
        // Its CPU time, if modelled, has run already (performEffect).
        answerAt(queue, queue.now, finish, EFFECT_DONE);
        return;
      case 'read-body':
        // A simulated request arrives whole: its body is there to read at once.
        answerAt(queue, queue.now, finish, readHeldBody(effect));
        return;
      case 'async': {
        const at = queue.now;
        // A stable answer (a signature over the same bytes with the same key) is computed once.
        const memo = effect.memoKey !== undefined ? asyncMemo.get(effect.memoKey) : undefined;
        if (memo) {
          answerAt(queue, at, finish, memo);
          return;
        }
        const remember = (result: EffectResult): void => {
          if (effect.memoKey !== undefined) asyncMemo.set(effect.memoKey, result);
          answerAt(queue, at, finish, result);
        };
        pendingAsync.push(
          effect.run().then(
            (value) => remember({ ok: true, value }),
            (e: unknown) => remember({ ok: false, error: String(e) }),
          ),
        );
        return;
      }
    }
  };
}

const CALLOUT_MEMO_MAX = 1024;

/** The answer to a sleep or to CPU work: nothing to say but done. One frozen object, not one per effect. */
const EFFECT_DONE: EffectResult = Object.freeze({ ok: true }) as EffectResult;

/** A store command on its way to Redis: one object per command instead of a closure and its context. */
interface StoreCall {
  deps: EffectDeps;
  ops: readonly StoreOp[];
  /** Half the round trip: there, and (after it is applied) back. */
  half: number;
  finish: EffectFinish;
}

function storeCommandArrives(call: StoreCall): void {
  const { queue, store, now } = call.deps;
  const result = store.apply(call.ops, now());
  answerAt(queue, queue.now + call.half, call.finish, result);
}
