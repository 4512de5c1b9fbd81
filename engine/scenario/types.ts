/**
 * A loaded scenario: what the YAML file says, validated, with every duration in milliseconds and every
 * instant as an offset from `start`. The sim host consumes this; the loader produces it.
 */
import type { Dialect } from '../config/ir.ts';
import type { SourceMap, JsonPath } from '../config/yaml-source.ts';
import type { CanaryRolloutConfig } from '../plugins/canary-rollout/config.ts';
import type { DeploymentSpec, HpaSpec, PdbSpec } from '../config/k8s/workloads/index.ts';

export type LatencyModel =
  | { kind: 'constant'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'normal'; meanMs: number; stddevMs: number }
  /** Log-normal fitted from two quantiles, which is how people actually know their latency. */
  | { kind: 'lognormal'; p50Ms: number; p99Ms: number };

/** Requests per second. */
export type Rate = number;

export type TrafficSpec =
  | { kind: 'burst'; atMs: number; count: number; spacingMs: number }
  | { kind: 'constant'; rate: Rate; fromMs: number; toMs: number }
  | { kind: 'poisson'; rate: Rate; fromMs: number; toMs: number }
  | { kind: 'ramp'; startRate: Rate; endRate: Rate; fromMs: number; toMs: number }
  | { kind: 'list'; atMs: number[] };

export interface RequestTemplate {
  method: string;
  /** Absolute URL; its authority is the Host header, its scheme and port pick the listener. */
  url: string;
  headers: Array<[string, string]>;
  body?: string;
}

/**
 * How a client program retries on its own (an SDK's retry loop): retries are new requests, so a
 * struggling backend gets more traffic exactly when it can least take it — the retry storm.
 */
export interface ClientRetrySpec {
  /** Extra tries after the first (0 = never retries). */
  attempts: number;
  /** Statuses that trigger a retry; a client-side timeout always does. */
  onStatuses: number[];
  /** Wait before retry n: min(baseMs × 2^(n−1), maxMs), times a draw in [1−jitter, 1] keyed by the request. */
  backoff: { baseMs: number; maxMs: number; jitter: number };
}

export interface ClientSpec {
  id: string;
  /** Source address the gateway sees as TCP peer (before any CDN hop). */
  ip: string;
  request: RequestTemplate;
  traffic: TrafficSpec[];
  /** The client gives up after this long and counts the request as failed (status 0); undefined = waits forever. */
  timeoutMs?: number;
  retry?: ClientRetrySpec;
  /** keep: a cookie jar stores the answers' Set-Cookie and sends them back (runtimes/sim/cookie-jar.ts). */
  cookies?: 'keep';
}

export interface BackendSpec {
  /** Binds to a gateway service by name, or by upstream host (host or host:port). */
  name: string;
  latency: LatencyModel;
  /** Fraction of requests answered with errorStatus, drawn per request. */
  errorRate: number;
  errorStatus: number;
  status: number;
  headers: Array<[string, string]>;
  body?: string;
  /** Requests it works on at once; more wait in its queue (undefined = unlimited, no queueing). */
  concurrency?: number;
  /** Requests that may wait for a worker; one more is answered 503 at once (undefined = unlimited). */
  queue?: number;
  /** Backends it calls, one after another, before its own work (runtimes/sim/backend-calls.ts). */
  calls?: BackendCallSpec[];
  /** Spans it records: auto = when a traceparent came in, always = also starts a trace, off = never. */
  tracing?: 'auto' | 'always' | 'off';
}

/** One call a backend makes to another while it works on a request (catalog → inventory). */
export interface BackendCallSpec {
  backend: string;
  method: string;
  path: string;
  /** One-way network delay between the two services. */
  latency: LatencyModel;
  /** Whether the call carries the trace context on (false = this hop drops traceparent). */
  propagate: boolean;
}

/** A backend's behaviour that changes for a while (it starts failing, or slows down). */
export interface BackendChange {
  errorRate?: number;
  errorStatus?: number;
  latency?: LatencyModel;
}

export type TimedEvent =
  /** The backend refuses connections from atMs for durationMs (Infinity = until the end). */
  | { kind: 'outage'; atMs: number; target: string; durationMs: number }
  /** A new gateway config takes effect on every replica. */
  | { kind: 'config'; atMs: number; gateway: GatewaySpec }
  /** The backend answers differently from atMs for durationMs (Infinity = until the end). */
  | { kind: 'degrade'; atMs: number; target: string; durationMs: number; change: BackendChange }
  /** A rolling deploy of the gateway's Deployment (needs `kubernetes`); new pods load `gateway` when given; `pauseAfter` holds after that many pods (a canary step). */
  | { kind: 'deploy'; atMs: number; gateway?: GatewaySpec; pauseAfter?: number }
  /** `kubectl drain <node>`: cordon the node and evict its gateway pods through the PDB (needs `kubernetes`). */
  | { kind: 'drain'; atMs: number; node: string };

/**
 * The gateway's Kubernetes workload (docs/kubernetes-ops.md): its Deployment (with any strategic-merge
 * patches applied), the HPA that scales it and the PDB that selects its pods, when they apply to it.
 */
export interface KubernetesSpec {
  deployment: DeploymentSpec;
  hpa?: HpaSpec;
  pdb?: PdbSpec;
  /** Node names; pods are placed on them by `placement`. */
  nodes: string[];
  /** `spread`: round-robin over the nodes in order; `one-node`: every pod on the first node. */
  placement: 'spread' | 'one-node';
  /** pod-terminating → no router sends it new requests (DEFAULT_ENDPOINT_REMOVAL_LAG_MS when absent). */
  endpointRemovalLagMs: number;
  /** Container start → the app can serve, before the readiness probe counts. */
  appReadyMs: number;
}

export interface NarrationStep {
  atMs: number;
  text: string;
}

/** One source of gateway config: inline in the scenario, or a file beside it. */
export interface ConfigSource {
  /** The value as parsed (one entry per YAML document). */
  docs: Array<{ value: unknown; map: SourceMap }>;
  /** For messages: the file it came from. */
  file: string;
}

export interface GatewaySpec {
  /** Explicit dialect; when absent the adapter detects it from content. */
  format?: Dialect;
  sources: ConfigSource[];
  /** Merged on top of the sources, in order (engine/config/overlay.ts). */
  overlays: ConfigSource[];
}

export type Matcher =
  | { equals: number | string | boolean }
  | { between: [number, number] }
  | { approx: number; tolerance: number; relative: boolean }
  /** Passes when the value, as text, contains this text (for reasons and header values). */
  | { contains: string }
  /** The subject must not exist (a header the response must not carry). */
  | { absent: true };

export type ExpectationSubject =
  /** Count of requests ending with a status (or any), for a client (or all), in [fromMs, toMs). */
  | { kind: 'count'; client?: string; status?: number; fromMs: number; toMs: number }
  /** The decision one stage made for one request. */
  | {
      kind: 'decision';
      request: string;
      plugin: string;
      field: 'verdict' | 'status' | 'reason';
      /** Only decisions made in this pipeline phase (access, response, ...); default: any phase. */
      phase?: string;
    }
  /** A response header value the client received for one request. */
  | { kind: 'header'; request: string; name: string; side: 'response' | 'upstream' }
  /** One span of a request's distributed trace (observe/tracing/spans.ts): an id, its parent's name, a count or a duration. */
  | { kind: 'span'; request: string; name: string; field: SpanField }
  /** The response body one request got; `path` reads a value inside a JSON body. */
  | { kind: 'body'; request: string; path?: string }
  /** The request as the backend received it: path (with query), Host, method, or the service. */
  | { kind: 'upstream'; request: string; field: 'path' | 'host' | 'method' | 'service' }
  /** The status one request ended with. */
  | { kind: 'status'; request: string }
  /** A latency percentile (0–100) in ms over requests ending in [fromMs, toMs). */
  | { kind: 'latency'; client?: string; percentile: number; measure: 'total' | 'gateway' | 'upstream'; fromMs: number; toMs: number }
  /**
   * A gateway replica's resource reading from its replica.queue samples in [fromMs, toMs): CPU in %
   * of its limit, memory in MiB, requests queued or holding a slot; the max, the time-weighted mean or
   * the last sample; without `replica`, across every replica (max of all, mean of all samples).
   */
  | { kind: 'replica'; replica?: string; field: 'cpu' | 'memory' | 'queued' | 'slots'; stat: 'max' | 'mean' | 'last'; fromMs: number; toMs: number }
  /** A value from a plugin's state snapshot at an instant (a dotted path into the snapshot). */
  | { kind: 'state'; atMs: number; plugin: string; replica: string; path: string }
  /** A state machine's move (breaker.transition in the trace): the nth match's instant, reason or subject, or how many matched. */
  | {
      kind: 'transition';
      machine: string;
      to?: string;
      from?: string;
      subject?: string;
      replica?: string;
      nth: number;
      field: 'at' | 'count' | 'reason' | 'subject';
    };

export type SpanField = 'traceId' | 'spanId' | 'parentId' | 'parent' | 'sameTrace' | 'count' | 'duration';

export interface Expectation {
  name: string;
  /** Variants this applies to; undefined = every variant, base included. */
  variants?: string[];
  subject: ExpectationSubject;
  matcher: Matcher;
  /** Where the expectation is written, for failure messages. */
  path: JsonPath;
}

export interface VariantSpec {
  name: string;
  title?: string;
  /** Marked as one to check on real sockets with `gatelab verify`. */
  verify: boolean;
  /** The JSON Merge Patch as written, and where it lives in the file. */
  patch: Record<string, unknown>;
  path: JsonPath;
}

/**
 * Resources of each gateway replica (runtimes/sim/capacity/, docs/capacity.md). Absent = the replica
 * has unlimited CPU, slots and memory, and the pipeline performs no `compute` effect.
 */
export interface CapacitySpec {
  /** CPU limit in millicores (Kubernetes `250m` = 250): the replica's cores are millicores / 1000. */
  cpuMillicores: number;
  /** Memory limit in bytes; past it the replica is OOM-killed (undefined = no limit). */
  memoryBytes?: number;
  /** Requests in progress at once (undefined = unlimited). */
  slots?: number;
  /** Requests that may wait for a slot; one more is refused (undefined = unlimited). */
  queue?: number;
  /** A request that waited this long for a slot is dropped (undefined = waits as long as it takes). */
  queueTimeoutMs?: number;
  /** Memory of the idle process, bytes. */
  baseMemoryBytes: number;
  /** Memory per request in progress or waiting, bytes. */
  memoryPerRequestBytes: number;
  /** How long an OOM-killed replica is gone before it is back (empty). */
  restartAfterOomMs: number;
}

export interface Scenario {
  /** Absolute or working-directory-relative path of the file. */
  file: string;
  id: string;
  title: string;
  topic: string;
  summary: string;
  tags: string[];
  /** Epoch ms of the start instant; calendar windows are computed from it. */
  start: number;
  seed: number;
  durationMs: number;
  gateway: GatewaySpec;
  replicas: number;
  frontBalancer: 'round-robin' | 'random' | 'ip-hash';
  /** The front balancer answers 504 when a replica has not answered within this long (undefined = waits). */
  frontTimeoutMs?: number;
  /** The gateway runs as a Kubernetes Deployment: replicas are its pods (runtimes/sim/pods.ts). */
  kubernetes?: KubernetesSpec;
  /** Per-replica resources; undefined = unlimited (no capacity model). */
  capacity?: CapacitySpec;
  network: { clientToGateway: LatencyModel; gatewayToBackend: LatencyModel };
  clients: ClientSpec[];
  backends: BackendSpec[];
  events: TimedEvent[];
  /** A rollout controller that drives the canary's share during the run (runtimes/sim/rollout-controller.ts). */
  rollout?: CanaryRolloutConfig;
  narration: NarrationStep[];
  /** Every variant, `base` first. */
  variants: VariantSpec[];
  expect: Expectation[];
  /** Instants at which the sim snapshots plugin state (from `state` expectations). */
  snapshotsAtMs: number[];
  map: SourceMap;
  /** Which variant this is: `base` for the file as written. */
  variant?: string;
  /**
   * The parsed YAML of the whole file before conversion and before any patch, with its source map:
   * what applyVariant patches, so a variant of a variant still starts from the file as written.
   */
  source?: { value: unknown; map: SourceMap };
}
