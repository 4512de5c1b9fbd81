/**
 * The scenario as YAML spells it, after the schema has accepted it. Converters read these shapes;
 * keeping them apart from types.ts keeps "as written" and "as the sim needs it" from blurring.
 */

/** A Go duration string, or the number 0. */
export type RawDuration = string | number;
/** A duration offset from start, an ISO-8601 UTC instant, or the number 0. */
export type RawInstant = string | number;
export type RawRate = string | number;
export type RawLatency =
  | RawDuration
  | { uniform: [RawDuration, RawDuration] }
  | { normal: { mean: RawDuration; stddev: RawDuration } }
  | { lognormal: { p50: RawDuration; p99: RawDuration } };
export type RawHeaders = Record<string, string | number | boolean | Array<string | number | boolean>>;
export type RawBody = string | Record<string, unknown> | unknown[];

export interface RawGateway {
  format?: 'kong' | 'gateway-api' | 'ingress-nginx' | 'traefik' | 'ir';
  config?: Record<string, unknown> | Array<Record<string, unknown>>;
  files?: string[];
  overlays?: string[];
  /** Per-replica resources (only on the scenario's own gateway, not in config events). */
  capacity?: RawCapacity;
}

/** Kubernetes-style quantities: cpu `250m` or cores (`1`, 0.5); memory `256Mi`, `1Gi`, `64Ki` or bytes. */
export interface RawCapacity {
  cpu: string | number;
  memory?: string | number;
  slots?: number;
  queue?: number;
  queueTimeout?: RawDuration;
  baseMemory?: string | number;
  memoryPerRequest?: string | number;
  restartAfterOom?: RawDuration;
}

export type RawFrontBalancer =
  | 'round-robin'
  | 'random'
  | 'ip-hash'
  | { algorithm?: 'round-robin' | 'random' | 'ip-hash'; timeout?: RawDuration };

export interface RawWindow {
  from?: RawInstant;
  to?: RawInstant;
}

export interface RawTraffic {
  burst?: { at: RawInstant; count: number; spacing?: RawDuration };
  constant?: RawWindow & { rate: RawRate };
  poisson?: RawWindow & { rate: RawRate };
  ramp?: RawWindow & { startRate: RawRate; endRate: RawRate };
  at?: RawInstant[];
}

export interface RawClient {
  id: string;
  ip: string;
  request: { method?: string; url: string; headers?: RawHeaders; body?: RawBody };
  traffic: RawTraffic[];
  timeout?: RawDuration;
  cookies?: 'keep';
  retry?: RawRetry;
}

export interface RawRetry {
  attempts: number;
  on?: number[];
  backoff?: { base?: RawDuration; max?: RawDuration; jitter?: number };
}

export interface RawBackend {
  name: string;
  latency: RawLatency;
  errorRate?: number;
  errorStatus?: number;
  status?: number;
  headers?: RawHeaders;
  body?: RawBody;
  concurrency?: number;
  queue?: number;
  calls?: RawBackendCall[];
  tracing?: 'auto' | 'always' | 'off';
}

export interface RawBackendCall {
  backend: string;
  method?: string;
  path?: string;
  latency?: RawLatency;
  propagate?: boolean;
}

/** What a degrade event changes; the schema requires `backend`, the converter at least one change. */
export interface RawDegrade {
  backend: string;
  duration?: RawDuration;
  errorRate?: number;
  errorStatus?: number;
  latency?: RawLatency;
}

export interface RawEvent {
  at: RawInstant;
  outage?: { backend: string; duration?: RawDuration };
  config?: RawGateway;
  degrade?: RawDegrade;
  deploy?: { config?: RawGateway; pauseAfter?: number };
  drain?: { node: string };
}

/** The gateway's Kubernetes workload: files with a Deployment (and patches, an HPA, a PDB), and its nodes. */
export interface RawKubernetes {
  files: string[];
  nodes?: string[];
  placement?: 'spread' | 'one-node';
  endpointRemovalLag?: RawDuration;
  appReady?: RawDuration;
}

export interface RawExpectation {
  name?: string;
  variants?: string[];
  count?: RawWindow & { client?: string; status?: number };
  status?: { request: string };
  decision?: { request: string; plugin: string; field: 'verdict' | 'status' | 'reason'; phase?: string };
  header?: { request: string; name: string; side?: 'response' | 'upstream' };
  span?: { request: string; name: string; field?: 'traceId' | 'spanId' | 'parentId' | 'parent' | 'sameTrace' | 'count' | 'duration' };
  latency?: RawWindow & { client?: string; percentile: number; measure?: 'total' | 'gateway' | 'upstream' };
  state?: { at: RawInstant; plugin: string; replica?: string; path: string };
  replica?: RawWindow & { replica?: string; field: 'cpu' | 'memory' | 'queued' | 'slots'; stat?: 'max' | 'mean' | 'last' };
  transition?: { machine: string; to?: string; from?: string; subject?: string; replica?: string; nth?: number; field?: 'at' | 'count' | 'reason' | 'subject' };
  equals?: number | string | boolean;
  between?: [number, number];
  approx?: number;
  tolerance?: number | string;
  contains?: string;
  absent?: true;
  body?: { request: string; path?: string };
  upstream?: { request: string; field: 'path' | 'host' | 'method' | 'service' };
}

export interface RawVariant {
  title?: string;
  verify?: boolean;
  patch: Record<string, unknown>;
  expect?: RawExpectation[];
}

export interface RawScenario {
  id: string;
  title: string;
  topic: string;
  summary: string;
  tags?: string[];
  start: string;
  seed?: number;
  duration: RawDuration;
  verify?: boolean;
  gateway: RawGateway;
  replicas?: number;
  kubernetes?: RawKubernetes;
  frontBalancer?: RawFrontBalancer;
  network?: { clientToGateway?: RawLatency; gatewayToBackend?: RawLatency };
  clients: RawClient[];
  backends?: RawBackend[];
  events?: RawEvent[];
  narration?: Array<{ at: RawInstant; text: string }>;
  /** Parsed by the canary-rollout plugin's config reader. */
  rollout?: unknown;
  variants?: Record<string, RawVariant>;
  expect?: RawExpectation[];
}
