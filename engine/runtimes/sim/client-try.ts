/**
 * One try of a client request in the simulation: sent, carried to the front balancer, run by a
 * replica (through the capacity model when there is one), answered back to the client, or given up
 * by the client's own timeout; a retry is a new try `<id>.retry<k>` that the gateway sees like any
 * other. A class with its handlers as module functions: a request used to allocate about eight
 * closures (each one named by tsx when created), now it allocates this object.
 */
import { EventQueue, PRIORITY } from '../../core/event-queue.ts';
import { keyedDraw, type Rng } from '../../core/rng.ts';
import type { HandledListener, HandledRequest } from '../../pipeline/gateway.ts';
import type { PipelineHost } from '../../pipeline/host.ts';
import type { IncomingRequest } from '../../pipeline/types.ts';
import type { ClientSpec, Scenario } from '../../scenario/types.ts';
import type { TraceSink } from '../../trace/sink.ts';
import type { CapacityModel, FrontCall } from './capacity/model.ts';
import { endToFill, startToFill } from './refilled-ends.ts';
import { sampleLatency } from './latency.ts';
import type { PodHost } from './pods-host.ts';
import { cookieJarFor } from './client-cookies.ts';
import { buildRequest, requestTraceUrl } from './request-builder.ts';
import type { RolloutController } from './rollout-controller.ts';
import type { Replica } from './sim-types.ts';

/** What a try needs from the run around it; one object per run. */
export interface TryEnv {
  readonly queue: EventQueue;
  readonly sink: TraceSink;
  /** The sink keeps no event (`retainsEvents: false`): a try hands it refilled objects (refilled-ends.ts). */
  readonly refillsEvents: boolean;
  readonly scenario: Scenario;
  readonly seed: number;
  /** The client ↔ gateway network stream (both directions draw from it, in event order). */
  readonly c2gRng: Rng;
  readonly capacity: CapacityModel | undefined;
  readonly pods: PodHost<Replica> | undefined;
  readonly rollout: RolloutController | undefined;
  /** Epoch ms on the virtual clock. */
  now(): number;
  pickReplica(peerIp: string): Replica | undefined;
  hostFor(replica: Replica): PipelineHost;
  /** Counts one more request sent (the run's total). */
  counted(): void;
}

/** An answer the front balancer (or a replica that never ran the pipeline) makes on its own. */
interface FrontReply {
  attempt: ClientTry;
  decidedAt: number;
  receivedAt: number;
  replica: string;
  status: number;
  source: 'front' | 'gateway';
}

export class ClientTry implements FrontCall, HandledListener {
  readonly requestId: string;
  /** The replica the front balancer picked ('' until then). */
  replica = '';
  /** FrontCall: the capacity model's flag (declared here so every try has the same shape). */
  frontAnswered = false;
  /** FrontCall: the model's handle of the front timeout (declared here for the same reason). */
  frontTimeout = -1;
  /**
   * Dropped once the replica has answered, like `handled` once the client has it: the client's timeout
   * event (and, before the capacity model cancelled it on the answer, the front's) holds this try for
   * seconds after it ended, and through these two fields it held the whole request (context, headers,
   * response), which the scavenger then copied and promoted.
   */
  private request: IncomingRequest | undefined;
  private readonly sentAt: number;
  /** The client has its answer (or gave up): later answers are dropped. */
  private ended = false;
  private retried = false;
  /** Its pod was killed with it in flight: the front answered 502 and the pod's late answer is dropped. */
  private cut = false;
  private picked: Replica | undefined;
  private untrack: (() => void) | undefined;
  private receivedAt = 0;
  private handled: HandledRequest | undefined;
  private gatewayDone = 0;

  constructor(
    private readonly env: TryEnv,
    private readonly client: ClientSpec,
    private readonly baseId: string,
    private readonly attempt: number,
  ) {
    const { queue } = env;
    this.sentAt = queue.now;
    env.counted();
    const id = attempt === 0 ? baseId : `${baseId}.retry${attempt}`;
    this.requestId = id;
    this.request = buildRequest(id, client.request, client.ip);
    if (client.cookies === 'keep') cookieJarFor(env, client).attach(this.request, env.now());
    const toGateway = sampleLatency(env.scenario.network.clientToGateway, env.c2gRng);
    if (client.timeoutMs !== undefined) queue.schedule(this.sentAt + client.timeoutMs, PRIORITY.effect, clientGivesUp, this);
    queue.schedule(this.sentAt + toGateway, PRIORITY.arrival, arriveAtFront, this);
  }

  /** The client retries after `status` (0: its own timeout) when its policy says so. */
  retry(status: number): void {
    const r = this.client.retry;
    if (!r || this.retried || this.attempt >= r.attempts) return;
    if (status !== 0 && !r.onStatuses.includes(status)) return;
    this.retried = true;
    const { queue } = this.env;
    const wait = Math.min(r.backoff.baseMs * 2 ** this.attempt, r.backoff.maxMs) * (1 - r.backoff.jitter * keyedDraw(this.env.seed, 'client-retry', this.requestId));
    queue.schedule(queue.now + wait, PRIORITY.arrival, sendRetry, this);
  }

  /** The client's timeout fired. */
  givesUp(): void {
    if (this.ended) return;
    this.ended = true;
    const { queue, sink } = this.env;
    sink.emit({
      type: 'request.end', t: queue.now, req: this.requestId, client: this.client.id, replica: this.replica, status: 0, source: 'client',
      route: null, service: null, ms: round3(queue.now - this.sentAt), gatewayMs: 0, upstreamMs: null,
    });
    this.retry(0);
  }

  /** The request reaches the front balancer, which forwards it to a replica. */
  arrive(): void {
    const env = this.env;
    const { queue, sink, pods, capacity } = env;
    env.rollout?.tick(env.now(), queue.now);
    const request = this.request as IncomingRequest;
    const picked = env.pickReplica(request.peerIp);
    if (!picked) return this.frontAnswer(queue.now, '', 503, 'front');
    const replica = picked;
    this.picked = replica;
    this.replica = replica.name;
    // Still in the endpoints, but SIGTERM closed its listener: connection refused, the front answers 502.
    if (pods && !pods.fleet.accepting(replica.name)) return this.frontAnswer(queue.now, replica.name, 502, 'front');
    if (pods) {
      this.untrack = pods.fleet.track(replica.name, () => {
        this.cut = true;
        this.frontAnswer(queue.now, replica.name, 502, 'front');
      });
    }
    const host = env.hostFor(replica);
    if (sink.wants('request.start')) {
      const full = sink.level === 'full';
      const event = startToFill(env.refillsEvents, full);
      event.t = queue.now;
      event.req = request.id;
      event.client = this.client.id;
      event.replica = replica.name;
      event.method = request.method;
      event.url = requestTraceUrl(this.client.request);
      event.peerIp = request.peerIp;
      // Added in place, last as before: spreading `{}` or `{ headers }` in cost two objects per request.
      if (full) event.headers = request.headers.toJSON();
      sink.emit(event);
    }
    this.receivedAt = queue.now;
    if (!capacity) return replica.gateway.handle(request, host, this);
    capacity.enter(this);
  }

  /** FrontCall: the replica runs the pipeline (the capacity model admitted the request). */
  run(): void {
    const replica = this.picked as Replica;
    replica.gateway.handle(this.request as IncomingRequest, this.env.hostFor(replica), this);
  }

  /** HandledListener: the replica has the response, which goes through the capacity model when there is one. */
  requestHandled(handled: HandledRequest): void {
    const capacity = this.env.capacity;
    if (capacity) capacity.replicaDone(this, handled);
    else this.answer(handled);
  }

  /** FrontCall: the replica has the response; it travels back to the client. */
  answer(handled: HandledRequest): void {
    this.untrack?.();
    if (this.cut) return;
    const { queue } = this.env;
    this.gatewayDone = queue.now;
    this.handled = handled;
    this.request = undefined;
    const back = sampleLatency(this.env.scenario.network.clientToGateway, this.env.c2gRng);
    queue.schedule(this.gatewayDone + back, PRIORITY.effect, deliverToClient, this);
  }

  /** FrontCall: the front balancer or the replica answers without the pipeline. */
  fail(status: number, source: 'front' | 'gateway'): void {
    this.untrack?.();
    this.frontAnswer(this.receivedAt, this.replica, status, source);
  }

  /** The response reaches the client. */
  delivered(): void {
    const { queue, sink, rollout } = this.env;
    const handled = this.handled as HandledRequest;
    this.handled = undefined;
    if (rollout && handled.upstreamMs !== null) rollout.observe(this.env.now(), queue.now, handled.ctx.match?.service?.name, handled.response.status);
    // A client that gave up already counted this request as failed.
    if (this.ended) return;
    this.ended = true;
    const res = handled.response;
    const full = sink.level === 'full';
    const event = endToFill(this.env.refillsEvents, full, Boolean(res.body));
    event.t = queue.now;
    event.req = this.requestId;
    event.client = this.client.id;
    event.replica = this.replica;
    event.status = res.status;
    event.source = res.source;
    event.route = handled.ctx.match?.route.name ?? null;
    event.service = handled.ctx.match?.service?.name ?? null;
    event.ms = round3(queue.now - this.sentAt);
    event.gatewayMs = round3(this.gatewayDone - this.receivedAt - (handled.upstreamMs ?? 0));
    event.upstreamMs = handled.upstreamMs === null ? null : round3(handled.upstreamMs);
    // Headers, then the body, added in place in the trace's key order (no spread objects per request).
    if (full) {
      event.headers = res.headers.toJSON();
      if (res.body) event.body = res.body;
    }
    sink.emit(event);
    // The jar takes the answer's cookies before any retry is built from it.
    if (this.client.cookies === 'keep') cookieJarFor(this.env, this.client).keep(res.headers.getAll('set-cookie'), this.env.now());
    if (this.client.retry) this.retry(res.status);
  }

  private frontAnswer(receivedAt: number, replica: string, status: number, source: 'front' | 'gateway'): void {
    const { queue } = this.env;
    const decidedAt = queue.now;
    const reply: FrontReply = { attempt: this, decidedAt, receivedAt, replica, status, source };
    queue.schedule(decidedAt + sampleLatency(this.env.scenario.network.clientToGateway, this.env.c2gRng), PRIORITY.effect, deliverFrontReply, reply);
  }

  /** The front's own answer reaches the client. */
  frontDelivered(reply: FrontReply): void {
    if (this.ended) return;
    this.ended = true;
    const { queue, sink } = this.env;
    // The end of an answer the pipeline did not make (the front's 502 / 503 / 504, a replica's 503 for a
    // request dropped from its wait queue): no route, service or upstream time.
    const event = endToFill(this.env.refillsEvents, false, false);
    event.t = queue.now;
    event.req = this.requestId;
    event.client = this.client.id;
    event.replica = reply.replica;
    event.status = reply.status;
    event.source = reply.source;
    event.route = null;
    event.service = null;
    event.ms = round3(queue.now - this.sentAt);
    event.gatewayMs = round3(reply.decidedAt - reply.receivedAt);
    event.upstreamMs = null;
    sink.emit(event);
    if (this.client.retry) this.retry(reply.status);
  }

  /** The next try of the same client request. */
  nextTry(): void {
    new ClientTry(this.env, this.client, this.baseId, this.attempt + 1);
  }
}

// The event handlers: one function each for every try, the try being the event's argument.
function clientGivesUp(t: ClientTry): void {
  t.givesUp();
}
function arriveAtFront(t: ClientTry): void {
  t.arrive();
}
function deliverToClient(t: ClientTry): void {
  t.delivered();
}
function deliverFrontReply(r: FrontReply): void {
  r.attempt.frontDelivered(r);
}
function sendRetry(t: ClientTry): void {
  t.nextTry();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
