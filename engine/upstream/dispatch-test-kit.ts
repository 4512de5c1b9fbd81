/**
 * Test kit for the upstream stage through a whole Gateway: a Kong service whose targets and upstream
 * policy are replaced by a case's, a scripted virtual-time host (each try's answer and latency come
 * from a pure function of request, try and target), and a run that returns every trace event at
 * `full` plus each request's result. Two implementations of Gateway can be run on the same case and
 * their outputs compared byte for byte; tests only, never imported by the engine.
 */
import type { GatewayIR, ServiceIR, TargetIR } from '../config/ir.ts';
import type { HeaderMap } from '../pipeline/headers.ts';
import type { PipelineHost, UpstreamAnswer, UpstreamCall } from '../pipeline/host.ts';
import type { EffectResult, IncomingRequest } from '../pipeline/types.ts';
import fc from 'fast-check';
import { loadGateway } from '../config/load-gateway.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { TraceCollector } from '../trace/sink.ts';
import { ENVOY_OUTLIER_DEFAULTS } from './outlier/defaults.ts';
import type { BalancerIR, PassiveHealthIR, RetryOnIR, RetryPolicyIR, TimeoutPolicyIR, UpstreamPolicyIR } from './policy.ts';

/** How one try ends: a status after `ms`, or a failure after `ms`. */
export type ScriptedAnswer = { status: number; ms: number } | { failure: 'connect' | 'reset'; ms: number };

export interface DispatchCase {
  targets: TargetIR[];
  policy?: UpstreamPolicyIR;
  /** Requests: when each arrives (ms) and its method, path and extra headers. */
  requests: Array<{ at: number; method: string; path: string; headers?: Array<[string, string]> }>;
  /** Answer of try `tryNo` (1-based) of request `index` on `target` ("host:port"). */
  answer: (index: number, tryNo: number, target: string) => ScriptedAnswer;
}

/** What Gateway looks like from here, so a copy of the class from another tree fits as well. */
export interface GatewayLike {
  handle(request: IncomingRequest, host: PipelineHost, done: (result: { response: { status: number; body?: unknown }; upstreamMs: number | null }) => void): void;
}

export interface GatewayKit {
  newGateway(ir: GatewayIR, replica: string, loadedAt: number): GatewayLike;
  newHeaders(pairs: Array<[string, string]>): HeaderMap;
}

export interface CaseOutcome {
  events: unknown[];
  results: Array<{ id: string; status: number; upstreamMs: number | null; body: unknown }>;
}

/** The fixed cases dispatch.test.ts pins: fast-check's sample of dispatchCaseArb under this seed. */
export const GOLDEN_SEED = 20261126;
export const GOLDEN_CASES = 300;

/** One Kong service and one catch-all route, through the real adapter; cases replace the service's targets and policy. */
export function dispatchKongIr(): GatewayIR {
  const file = 'dispatch-kit.yaml';
  const yaml = '_format_version: "3.0"\nservices:\n  - name: orders\n    url: http://backend.test:8080\n    routes:\n      - name: all\n        paths: ["/"]\n';
  const loaded = loadGateway({ sources: [{ file, docs: parseYaml(yaml, file).docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

/** 32-bit FNV-1a of the text, as a draw in [0, 1): deterministic and cheap. */
function drawOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 2 ** 32;
}

/** A minimal virtual clock: callbacks ordered by time, then by the order they were scheduled. */
class Timeline {
  now = 1_000_000;
  private readonly queue: Array<{ at: number; seq: number; fn: () => void }> = [];
  private seq = 0;

  at(time: number, fn: () => void): void {
    this.queue.push({ at: time, seq: this.seq++, fn });
  }

  run(limit = 100_000): void {
    for (let steps = 0; this.queue.length > 0 && steps < limit; steps++) {
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) {
        const q = this.queue[i]!;
        const b = this.queue[best]!;
        if (q.at < b.at || (q.at === b.at && q.seq < b.seq)) best = i;
      }
      const [next] = this.queue.splice(best, 1);
      this.now = Math.max(this.now, next!.at);
      next!.fn();
    }
  }
}

/** Runs one case against one Gateway implementation; the IR is a fresh copy so runs never share state. */
export function runDispatchCase(kit: GatewayKit, baseIr: GatewayIR, c: DispatchCase): CaseOutcome {
  const ir: GatewayIR = structuredClone(baseIr);
  const service = ir.services[0] as ServiceIR;
  service.targets = c.targets.map((t) => ({ ...t }));
  if (c.policy) service.policy = structuredClone(c.policy);
  const clock = new Timeline();
  const sink = new TraceCollector('full');
  const start = clock.now;
  const tries = new Map<string, number>();
  const host: PipelineHost = {
    replica: 'gw-0',
    sink,
    now: () => clock.now,
    traceTime: () => clock.now - start,
    draw: (purpose: string, id: string, index?: number) => drawOf(`${purpose}|${id}|${index ?? 0}`),
    perform: (effect, _id, _plugin, done: (r: EffectResult) => void) => {
      const ms = effect.type === 'sleep' ? effect.ms : 1;
      clock.at(clock.now + ms, () => done({ ok: true }));
    },
    callUpstream: (call: UpstreamCall, done: (a: UpstreamAnswer) => void) => {
      const index = Number(call.requestId.slice(4));
      const tryNo = (tries.get(call.requestId) ?? 0) + 1;
      tries.set(call.requestId, tryNo);
      const scripted = c.answer(index, tryNo, `${call.target.host}:${call.target.port}`);
      const limit = call.timeoutMs ?? Infinity;
      if (scripted.ms > limit) {
        clock.at(clock.now + limit, () => done({ ok: false, failure: 'timeout', message: `no answer within ${limit} ms` }));
        return;
      }
      const answer: UpstreamAnswer =
        'status' in scripted
          ? { ok: true, status: scripted.status, headers: kit.newHeaders([['content-type', 'text/plain']]), body: `from ${call.target.host}` }
          : { ok: false, failure: scripted.failure, message: `${scripted.failure} on ${call.target.host}` };
      clock.at(clock.now + scripted.ms, () => done(answer));
    },
  };
  const gateway = kit.newGateway(ir, 'gw-0', clock.now);
  const results: CaseOutcome['results'] = [];
  c.requests.forEach((r, i) => {
    clock.at(start + r.at, () => {
      const id = `req-${i}`;
      const headers = kit.newHeaders([['host', 'api.test'], ...(r.headers ?? [])]);
      const request: IncomingRequest = { id, method: r.method, scheme: 'http', host: 'api.test', port: 80, path: r.path, query: '', headers, peerIp: `10.0.0.${(i % 7) + 1}` };
      gateway.handle(request, host, (h) => results.push({ id, status: h.response.status, upstreamMs: h.upstreamMs, body: h.response.body }));
    });
  });
  clock.run();
  return { events: sink.events, results };
}

const KEYS = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'];

const balancerArb: fc.Arbitrary<BalancerIR | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  {
    weight: 4,
    arbitrary: fc.constantFrom<BalancerIR>(
    { kind: 'round-robin' },
    { kind: 'weighted-round-robin' },
    { kind: 'weighted-round-robin', wheel: true },
    { kind: 'least-connections' },
    { kind: 'least-request', choiceCount: 2, activeRequestBias: 1 },
    { kind: 'random' },
    { kind: 'ewma', decayMs: 10_000 },
    { kind: 'ring-hash', hashOn: { source: 'header', name: 'x-user' }, minRingSize: 64, maxRingSize: 1024 },
    { kind: 'ring-hash', hashOn: { source: 'ip' }, minRingSize: 64, maxRingSize: 1024 },
    { kind: 'maglev', hashOn: { source: 'path' }, tableSize: 251 },
    ),
  },
);

const retryArb: fc.Arbitrary<RetryPolicyIR | undefined> = fc.option(
  fc.record({
    numRetries: fc.integer({ min: 0, max: 3 }),
    retryOn: fc.subarray<RetryOnIR>(['5xx', 'gateway-error', 'connect-failure', 'reset', 'timeout', 'retriable-status-codes']),
    retriableStatusCodes: fc.constantFrom([], [429], [404, 503]),
    methods: fc.constantFrom([], ['GET'], ['GET', 'HEAD']),
    otherHost: fc.boolean(),
    backoff: fc.constantFrom<RetryPolicyIR['backoff']>({ kind: 'none' }, { kind: 'envoy-jitter', baseMs: 25, maxMs: 250 }, { kind: 'exponential', initialMs: 10, maxMs: 40 }),
    flavour: fc.constantFrom<RetryPolicyIR['flavour']>('envoy', 'nginx', 'kong', 'traefik', 'gateway-api'),
  }),
  { nil: undefined },
);

const policyArb: fc.Arbitrary<UpstreamPolicyIR | undefined> = fc.option(
  fc.record(
    {
      balancer: balancerArb,
      passiveHealth: fc.constantFrom<PassiveHealthIR>(
        { kind: 'nginx', maxFails: 2, failTimeoutMs: 50 },
        { kind: 'kong', unhealthyStatuses: [500, 503], httpFailures: 2, tcpFailures: 1, timeouts: 1, healthySuccesses: 1, healthyStatuses: [200] },
      ),
      outlierDetection: fc.record({ consecutive5xx: fc.integer({ min: 1, max: 3 }), intervalMs: fc.constantFrom(20, 100), maxEjectionPercent: fc.constantFrom(50, 100) }).map((o) => ({ ...ENVOY_OUTLIER_DEFAULTS, ...o, baseEjectionTimeMs: 40 })),
      connectionPool: fc.record({
        maxConnections: fc.integer({ min: 1, max: 3 }),
        maxPendingRequests: fc.integer({ min: 0, max: 2 }),
        maxRequests: fc.integer({ min: 1, max: 4 }),
        maxRetries: fc.integer({ min: 0, max: 2 }),
      }),
      retry: retryArb,
      timeouts: fc.record({
        connectMs: fc.constantFrom(0, 5),
        perTryMs: fc.constantFrom(0, 15, 40),
        overallMs: fc.constantFrom(0, 30, 90),
        flavour: fc.constantFrom<TimeoutPolicyIR['flavour']>('generic', 'aws-rest', 'aws-http'),
      }),
    },
    // Balancer and retry always drawn (each may still be undefined): the pick's draws on retries need both.
    { requiredKeys: ['balancer', 'retry'] },
  ),
  { nil: undefined },
);

/** A case: 1–4 targets, any mix of policies, up to 12 requests close together so pools fill. */
export const dispatchCaseArb: fc.Arbitrary<DispatchCase> = fc
  .record({
    targets: fc.constantFrom(0, 1, 1, 2, 3, 4).chain((n) => fc.array(fc.constantFrom(1, 1, 2, 5), { minLength: n, maxLength: n })),
    policy: policyArb,
    requests: fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 60 }),
        method: fc.constantFrom('GET', 'POST'),
        path: fc.constantFrom('/a', '/b/c', '/'),
        headers: fc.constantFrom<Array<[string, string]> | undefined>(undefined, [['x-user', 'ann']], [['x-user', 'bob']]),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    seed: fc.integer(),
  })
  .map(({ targets, policy, requests, seed }) => ({
    targets: targets.map((weight, i) => ({ host: KEYS[i] as string, port: 8080, weight })),
    ...(policy ? { policy } : {}),
    requests: [...requests].sort((a, b) => a.at - b.at),
    answer: (index: number, tryNo: number, target: string): ScriptedAnswer => {
      const u = drawOf(`${seed}|${index}|${tryNo}|${target}`);
      const ms = 1 + Math.floor(drawOf(`ms|${seed}|${index}|${tryNo}|${target}`) * 50);
      if (u < 0.55) return { status: 200, ms };
      if (u < 0.7) return { status: 503, ms };
      if (u < 0.78) return { status: 429, ms };
      if (u < 0.86) return { status: 500, ms };
      return { failure: u < 0.93 ? 'connect' : 'reset', ms };
    },
  }));
