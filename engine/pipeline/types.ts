/**
 * The plugin contract. A plugin is plain synchronous code: each hook reads the request context and the
 * host's clock and returns a verdict as data. I/O never happens inside a hook; it is asked for with a
 * `wait` verdict and performed by whichever host runs the pipeline (simulated latency or a real socket).
 */
import type { HeaderMap } from './headers.ts';
import type { ConsumerIR, RouteIR, ServiceIR, TargetIR } from '../config/ir.ts';
import type { Diagnostic } from '../core/errors.ts';
import type { RetryPolicyIR } from '../upstream/policy.ts';

/** What a client sent, as the gateway received it. Never mutated after the pipeline starts. */
export interface IncomingRequest {
  /** Stable id: the simulation names it `<client>-<n>`; the proxy takes a counter or X-Request-ID. */
  id: string;
  method: string;
  scheme: 'http' | 'https';
  /** The Host header (authority), port included when the client sent one. */
  host: string;
  /** The listener port the request arrived on. */
  port: number;
  /** Path as received, without the query. */
  path: string;
  /** Raw query without the leading `?`, '' when none. */
  query: string;
  headers: HeaderMap;
  body?: string;
  /** The proxy host's streamed request body (opaque to the pipeline), forwarded unbuffered. */
  stream?: unknown;
  /** The TCP peer address. */
  peerIp: string;
}

/** The request the gateway will send upstream, built up by routing and plugins. */
export interface UpstreamRequest {
  method: string;
  /** The Host header sent upstream. */
  host: string;
  /** Path with query, as sent upstream. */
  path: string;
  headers: HeaderMap;
  body?: string;
  stream?: unknown;
}

export interface GatewayResponse {
  status: number;
  headers: HeaderMap;
  body?: string;
  /** A host-specific streamed body (the proxy's upstream stream); the pipeline never reads it. */
  stream?: unknown;
  /** Who produced it: the backend, or the gateway itself (a plugin reply, a 404, a 502). */
  source: 'upstream' | 'gateway';
}

export interface RouteMatch {
  route: RouteIR;
  service: ServiceIR | undefined;
  /** Why this route won, for a student reading the trace. */
  reason: string;
  /** Path captures and other facts the router learned (regex groups, matched prefix). */
  matchedPrefix?: string;
}

/** Everything a plugin may read or change while one request passes through. */
export interface RequestContext {
  readonly request: IncomingRequest;
  /** The client address after real-ip processing (Kong's forwarded ip); starts as the peer. */
  clientIp: string;
  match?: RouteMatch;
  consumer?: ConsumerIR;
  credentialId?: string;
  upstream: UpstreamRequest;
  target?: TargetIR;
  response?: GatewayResponse;
  /** Plugin scratch space, keyed by plugin id; read by later phases of the same plugin. */
  vars: Record<string, unknown>;
  /** A per-route retry policy (Traefik's retry middleware) that replaces the service's for this request. */
  retryPolicy?: RetryPolicyIR;
}

// ---------------------------------------------------------------------------------------------
// Effects: the only way a plugin reaches outside itself.

/** Counter-store operations, one round trip for the whole list (like a Redis pipeline). */
export type StoreOp =
  | { op: 'incr'; key: string; by: number; ttlMs: number }
  | { op: 'get'; key: string };

export type Effect =
  | { type: 'store'; ops: StoreOp[] }
  | {
      type: 'http';
      /** What the call is for, shown in the trace ("forward-auth", "jwks"). */
      purpose: string;
      method: string;
      url: string;
      headers: Array<[string, string]>;
      body?: string;
      timeoutMs: number;
      /** Read at most this many bytes of the answer's body; a longer one comes back as `bodyTooLarge` (Traefik's maxResponseBodySize). */
      maxBodyBytes?: number;
    }
  | {
      /** Hold the request for a while before it goes on (nginx limit_req delay, Traefik's reservation). */
      type: 'sleep';
      purpose: string;
      ms: number;
    }
  | {
      /** An answer that is only available asynchronously (WebCrypto); memoised by key where stable. */
      type: 'async';
      purpose: string;
      memoKey?: string;
      run: () => Promise<unknown>;
    }
  | {
      /**
       * The client's request body, read to its end before the plugin goes on (Traefik's forwardBody).
       * `source` is what the host reads: the body text in the simulation, the client's stream on real
       * sockets (opaque to the pipeline, like UpstreamRequest.stream). More than `maxBytes` bytes
       * (-1: no limit) answers `bodyTooLarge` without reading the rest. An answer's `body` is the text
       * and its `value` what the host can send upstream again in place of the stream it consumed.
       */
      type: 'read-body';
      purpose: string;
      maxBytes: number;
      source: unknown;
    }
  | {
      /**
       * CPU work on the replica (the gateway's own proxying plus its plugins'), performed after routing
       * only when the host models capacity (PipelineHost.wantsCompute): the sim runs it on the replica's
       * CPU server, the proxy host answers at once (its CPU is real).
       */
      type: 'compute';
      purpose: string;
      cpuUs: number;
    };

export type EffectResult =
  | { ok: true; values?: Array<number | null>; status?: number; headers?: Array<[string, string]>; body?: string; value?: unknown; bodyTooLarge?: true }
  | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Verdicts

/** Structured facts behind a decision (counters, tokens, the claim that failed), for the inspector. */
export type DecisionData = Record<string, string | number | boolean | null | undefined>;

/**
 * Work a stage starts and never waits for. Its answer, error or timeout never reaches the chain, so
 * it cannot change what the client gets nor when. One kind so far: a copy of the request to one
 * endpoint of another service (Gateway API's RequestMirror, Envoy's shadow), which the gateway sends
 * once, when the request itself goes upstream; a request answered earlier sends no copy.
 */
export interface RequestCopy {
  type: 'request-copy';
  /** What the copy is for, shown in the trace ("mirror"). */
  purpose: string;
  service: ServiceIR;
  target: TargetIR;
  /** Appended to the host name in the copy's Host header, before any port (Envoy's "-shadow"). */
  hostSuffix: string;
  /** Give up on the copy after this long (0: never); the client never notices either way. */
  timeoutMs: number;
}

/**
 * Counter-store writes a plugin does not wait for (Kong's `cluster` policy increments its counters in
 * a timer after the decision): the host performs them and drops the answer.
 */
export type StoreWrite = Extract<Effect, { type: 'store' }>;

export type DetachedEffect = RequestCopy | StoreWrite;

export type Verdict =
  | { kind: 'next'; reason: string; data?: DecisionData; detach?: readonly DetachedEffect[] }
  | {
      kind: 'reply';
      status: number;
      headers?: Array<[string, string]>;
      body?: string;
      reason: string;
      data?: DecisionData;
    }
  | { kind: 'wait'; effect: Effect; resume: (result: EffectResult) => Verdict; reason: string; data?: DecisionData };

export const next = (reason: string, data?: DecisionData): Verdict => ({ kind: 'next', reason, data });

export const reply = (
  status: number,
  reason: string,
  opts: { headers?: Array<[string, string]>; body?: string; data?: DecisionData } = {},
): Verdict => ({ kind: 'reply', status, reason, ...opts });

export const wait = (
  effect: Effect,
  reason: string,
  resume: (result: EffectResult) => Verdict,
  data?: DecisionData,
): Verdict => ({ kind: 'wait', effect, reason, resume, data });

// ---------------------------------------------------------------------------------------------
// Plugins

/** What a plugin may ask of the host. Nothing else: no timers, no wall clock, no globals. */
export interface PluginHost {
  /** Milliseconds since the Unix epoch, from the host's clock (virtual or real). */
  now(): number;
  /** A draw in [0, 1) that depends only on the run's seed, the purpose and the request id. */
  draw(purpose: string, requestId: string, index?: number): number;
  /**
   * Optional: fills `into[i]` with `Math.floor(draw(purpose, key, i) * 256)` for every i, in one call
   * (a uuid's 16 bytes). Use `drawBytes` from pipeline/draw-bytes.ts, which falls back to `draw`.
   */
  drawBytes?(purpose: string, key: string, into: Uint8Array): void;
  /** Which gateway replica runs this pipeline ("gw-0"); per-replica state keys on it. */
  readonly replica: string;
  /**
   * A state machine the plugin runs changed state (a breaker opened, a rollout stepped): the host
   * records it as a `breaker.transition` trace event. `at` is the instant it really happened when the
   * plugin computed it lazily, later than that (the trace orders by when it was noticed).
   */
  transition?(change: MachineTransition): void;
}

export interface MachineTransition {
  /** Which machine: 'circuit-breaker', 'outlier-detection', 'canary-rollout', ... */
  machine: string;
  /** What it is about: a plugin instance, a host "10.0.0.2:8080". */
  subject: string;
  from: string;
  to: string;
  reason: string;
  /** Epoch ms at which the change took effect, when that was before it was noticed. */
  at?: number;
  /** A canary rollout's share of traffic (percent) before and after the move; see BreakerTransitionEvent. */
  weight?: { from: number; to: number };
}

export type Phase = 'rewrite' | 'access' | 'response' | 'log';

export interface PluginHooks {
  /** Before routing completes; Kong runs only global plugins here. */
  rewrite?(ctx: RequestContext, host: PluginHost): Verdict;
  /** After routing: authentication, limits, request transforms. */
  access?(ctx: RequestContext, host: PluginHost): Verdict;
  /** After the response headers are known (upstream or gateway-made): response transforms. */
  response?(ctx: RequestContext, host: PluginHost): Verdict;
  /** After the response is sent; for observers. Never changes what the client got. */
  log?(ctx: RequestContext, host: PluginHost): void;
  /** A JSON-able snapshot of the plugin's state, for "state at an instant" and the lab's charts. */
  snapshot?(host: PluginHost): Record<string, unknown>;
}

/** Reports problems in a plugin's config at a path relative to the plugin's `config`. */
export interface ConfigReporter {
  error(path: Array<string | number>, code: Diagnostic['code'], message: string, hint?: string): void;
  warn(path: Array<string | number>, code: Diagnostic['code'], message: string, hint?: string): void;
}

/** Where a plugin instance is attached; a Kong counter key includes these ids. */
export interface PluginScope {
  route?: string;
  service?: string;
  consumer?: string;
}

export interface PluginEnv {
  /** The instance id (Kong's plugin id), stable across reloads of the same config. */
  instanceId: string;
  scope: PluginScope;
  /**
   * Where the instance is attached, in words a person reads ("route orders-route", "service
   * orders-api", "consumer ann"); undefined for a global instance. For traces that name an instance.
   */
  label?: string;
  /** The config's consumers and their credentials: where auth plugins look a key or an issuer up. */
  consumers?: readonly ConsumerIR[];
  /** The config's services: where a plugin that switches backends (canary-rollout) finds them. */
  services?: readonly ServiceIR[];
  /** When this config took effect on the replica (host clock, epoch ms): what a credential's ttl counts from. */
  loadedAt?: number;
}

export interface PluginDefinition<C = unknown> {
  /** Equals the plugin's folder name under engine/plugins/. */
  id: string;
  /** Kong-style priority: where a dialect orders by priority, higher runs first. */
  priority: number;
  /** Validates and fills defaults; reports problems instead of throwing. */
  parse(raw: unknown, report: ConfigReporter): C;
  /** Called once per config load and replica. */
  create(config: C, env: PluginEnv): PluginHooks;
  /**
   * Whether the response hook reads or rewrites the upstream body for this response (a JSON body
   * transform). The proxy host streams bodies; when this says yes it buffers the body first.
   */
  needsBody?(config: C, response: { status: number; headers: HeaderMap }): boolean;
  /**
   * CPU microseconds one request costs this plugin on the gateway (its hooks' own work, not the I/O
   * wait), with where the number comes from: a measurement (the command that measured it) or a
   * published figure. Charged through the `compute` effect when the host models capacity.
   */
  cost?(config: C): { cpuUs: number; source: string };
}
