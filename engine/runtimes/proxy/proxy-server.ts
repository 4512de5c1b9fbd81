/**
 * The proxy host: the same Gateway pipeline the simulation runs, on node:http(s) listeners with the
 * wall clock, undici upstreams and a real counter store. A config reload swaps the pipeline for new
 * requests while in-flight ones finish on the old one; a drain stops accepting and waits.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { GatewayIR } from '../../config/ir.ts';
import { Gateway } from '../../pipeline/gateway.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { IncomingRequest } from '../../pipeline/types.ts';
import type { RequestEndEvent, RequestStartEvent, RunStartEvent, TraceLevel } from '../../trace/events.ts';
import type { UpstreamCluster } from '../../upstream/cluster.ts';
import { liveRunStart } from './live-run-start.ts';
import { LiveSink } from './live-sink.ts';
import type { CounterStore } from './stores.ts';
import { startHealthProbes } from './health-prober.ts';
import { createUpstreamClient, type UpstreamClient } from './upstream-client.ts';
import { normalizePeer } from './peer.ts';
import { checkWire, DEFAULT_LIMITS, isPoisoned, type ProxyLimits } from './wire-guard.ts';
import { handleClientErrors, listenerOptions, refuseRequest } from './client-error-guard.ts';
import { DEFAULT_SECRET_NAMES, REDACTED, redactQuery, redactTraceEvent, secretNamesOf, type SecretNames } from '../../observe/redact.ts';
import type { WireFacts } from '../../observe/access-log.ts';
import { ProxyPipelineHost, type ProxyClock } from './proxy-host.ts';
import { bodyBytesSent, sendGatewayBody, upstreamBodyBytes, writeGatewayHead } from './response-writer.ts';
import { countChunkedBody, requestLengthOf } from './request-length.ts';

/** The header verify's driver uses to open keep-alive connections before a run. */
export const WARMUP_HEADER = 'x-gatelab-warmup';

export interface ProxyOptions {
  ir: GatewayIR;
  host?: string;
  port?: number;
  tls?: { cert: string; key: string };
  store: CounterStore;
  seed?: number;
  /** Added to the wall clock, so calendar windows fall where a scenario puts them (verify). */
  clockOffsetMs?: number;
  /** Replaces the wall clock entirely (verify's scenario clock, which can skip idle stretches). */
  now?: () => number;
  /** When set, a request's id is taken from this header (verify mode) so keyed draws match the sim. */
  requestIdHeader?: string;
  level?: TraceLevel;
  /** The replica name in the trace ("gw-0"). */
  replica?: string;
  /** Header count and size caps and slow-client timeouts (wire-guard.ts DEFAULT_LIMITS). */
  limits?: Partial<ProxyLimits>;
  /** How long an idle keep-alive client connection stays open (default 5 s, Node's default). */
  keepAliveTimeoutMs?: number;
  /** How many recent trace events `/trace` replays to a late joiner (live-sink.ts DEFAULT_RING_SIZE; 0 keeps none). */
  traceRing?: number;
}

export class ProxyServer {
  readonly sink: LiveSink;
  private gateway: Gateway;
  /** The host the current gateway's requests run with: one per gateway, not one per request. */
  private pipelineHost: ProxyPipelineHost;
  private readonly clock: ProxyClock = { now: () => this.now(), traceTime: () => this.traceTime() };
  private server?: Server;
  private readonly upstream: UpstreamClient;
  private readonly startedAt = Date.now();
  private readonly wireLimits: ProxyLimits;
  private counter = 0;
  private inFlight = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  private stopProbes: () => void = () => undefined;
  /** The config's secret names, for the Referer and User-Agent handed to the access log (hideSecrets). */
  private secrets: SecretNames = DEFAULT_SECRET_NAMES;
  /**
   * The access log's facts from the socket (observe/access-log.ts WireFacts), handed to the sink's
   * listeners beside request.start and request.end. One object, refilled before each of those two
   * emits: listeners run synchronously and copy what they need.
   */
  private readonly facts: WireFacts = { referer: null, userAgent: null, bodyBytesSent: 0, requestLength: 0, upstreamBytes: 0 };

  constructor(private readonly opts: ProxyOptions) {
    this.sink = new LiveSink(opts.level ?? 'decisions', opts.traceRing);
    this.hideSecrets(opts.ir);
    this.gateway = new Gateway(opts.ir, opts.replica ?? 'gw-0', this.now());
    this.upstream = createUpstreamClient();
    this.pipelineHost = this.hostFor(this.gateway);
    this.wireLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  }

  get ir(): GatewayIR {
    return this.gateway.ir;
  }

  /** What `/trace` sends a subscriber first: this proxy's start instant, seed and the live ids (live-run-start.ts). */
  runStart(): RunStartEvent {
    return liveRunStart(this.startedAt, this.opts.seed ?? 1);
  }

  /** The running config's upstream clusters, whose health state the admin listener reports. */
  upstreamClusters(): UpstreamCluster[] {
    return this.gateway.upstreamClusters();
  }

  /** How many client connections are open right now. */
  connections(): Promise<number> {
    return new Promise((resolve, reject) => {
      if (!this.server) return resolve(0);
      this.server.getConnections((err, n) => (err ? reject(err) : resolve(n)));
    });
  }

  /** The port the proxy listens on (after start). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  get ready(): boolean {
    return !!this.server?.listening && !this.draining;
  }

  now(): number {
    return this.opts.now ? this.opts.now() : Date.now() + (this.opts.clockOffsetMs ?? 0);
  }

  async start(): Promise<AddressInfo> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    // Bound slow clients and header sizes; hostile framing gets a clear refusal (client-error-guard.ts).
    const options = listenerOptions(this.wireLimits);
    this.server = this.opts.tls ? createHttpsServer({ ...options, cert: this.opts.tls.cert, key: this.opts.tls.key }, handler) : createHttpServer(options, handler);
    handleClientErrors(this.server, { sink: this.sink, replica: this.opts.replica ?? 'gw-0', traceTime: () => this.traceTime() });
    this.server.keepAliveTimeout = this.opts.keepAliveTimeoutMs ?? 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 8000, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.stopProbes = startHealthProbes(this.gateway, this.pipelineHost, this.upstream);
    return this.server.address() as AddressInfo;
  }

  /** New requests use the new config; requests already inside keep the pipeline they started with. */
  reload(ir: GatewayIR): void {
    this.gateway = new Gateway(ir, this.opts.replica ?? 'gw-0', this.now());
    this.pipelineHost = this.hostFor(this.gateway);
    this.hideSecrets(ir);
    this.stopProbes();
    if (this.server) this.stopProbes = startHealthProbes(this.gateway, this.pipelineHost, this.upstream);
    this.sink.emit({
      type: 'config.load',
      t: this.traceTime(),
      replica: this.opts.replica ?? 'gw-0',
      dialect: ir.dialect,
      routes: ir.routes.length,
      plugins: ir.plugins.map((p) => p.plugin),
    });
  }

  /** Stops accepting, waits for in-flight requests (up to graceMs), then closes everything. */
  async drain(graceMs: number): Promise<{ dropped: number }> {
    this.draining = true;
    this.stopProbes();
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeIdleConnections();
    const idle = new Promise<void>((resolve) => (this.inFlight === 0 ? resolve() : this.idleWaiters.push(resolve)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([idle.then(() => 'idle' as const), timeout]);
    clearTimeout(timer);
    const dropped = outcome === 'timeout' ? this.inFlight : 0;
    this.server?.closeAllConnections();
    await closed;
    await this.upstream.close();
    await this.opts.store.close();
    return { dropped };
  }

  /** Logs and the live stream never show credentials, including the API-key names this config reads. */
  private hideSecrets(ir: GatewayIR): void {
    const names = secretNamesOf(ir);
    this.secrets = names;
    this.sink.redact = (e) => redactTraceEvent(e, names);
  }

  private traceTime(): number {
    return Date.now() - this.startedAt;
  }

  private hostFor(gateway: Gateway): ProxyPipelineHost {
    return new ProxyPipelineHost(gateway.replica, this.sink, this.clock, this.opts.seed ?? 1, this.upstream, this.opts.store);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // verify opens its connections before the clock starts, so a burst is not slowed by TCP set-up;
    // these warm-up requests never enter the pipeline (and only exist in verify mode).
    if (this.opts.requestIdHeader && req.headers[WARMUP_HEADER] !== undefined) {
      res.writeHead(204).end();
      return;
    }
    // Hostile framing, absolute-form targets and header caps (wire-guard.ts) before the pipeline.
    if (isPoisoned(req.socket)) return void req.socket.destroy();
    const wire = checkWire(req, this.wireLimits);
    if (!wire.ok) {
      refuseRequest(req, res, wire.refusal, `req-${++this.counter}`, {
        sink: this.sink,
        replica: this.gateway.replica,
        traceTime: () => this.traceTime(),
        loggable: (name, value) => this.loggable(name, value),
      });
      return;
    }
    // The target as received, for $request_length: an absolute-form one is rewritten just below.
    const target = req.url ?? '';
    req.url = wire.url;
    this.inFlight++;
    const gateway = this.gateway;
    const replica = gateway.replica;
    const request = this.toIncoming(req);
    // A body without Content-Length is chunked (wire-guard refuses any other framing): counted as read.
    const chunked = request.stream !== undefined && !request.headers.has('content-length') ? countChunkedBody(req) : undefined;
    const receivedAt = this.traceTime();
    if (this.sink.wants('request.start')) {
      const start: RequestStartEvent = {
        type: 'request.start',
        t: receivedAt,
        req: request.id,
        client: request.peerIp,
        replica,
        method: request.method,
        url: this.urlOf(request.scheme, request.host, request.path, request.query),
        peerIp: request.peerIp,
      };
      // Assigned last (the same key order): spreading `{}` in built and copied an object per request.
      if (this.sink.level === 'full') start.headers = request.headers.toJSON();
      const facts = this.facts;
      facts.referer = this.loggable('referer', request.headers.get('referer'));
      facts.userAgent = this.loggable('user-agent', request.headers.get('user-agent'));
      this.sink.emit(start, facts);
    }
    // `on`, not `once`: each response emits these once, and `once` builds a wrapper and a bound
    // function per listener. Inline arrows, not named closures: under tsx every named function
    // expression pays a defineProperty for its name each time it is created.
    res.on('close', this.settleOne);
    gateway.handle(request, this.pipelineHost, (handled) => {
      const response = handled.response;
      const gatewayDone = this.traceTime();
      if (!writeGatewayHead(res, response)) return;
      res.on('finish', () => {
        const t = this.traceTime();
        const end: RequestEndEvent = {
          type: 'request.end',
          t,
          req: request.id,
          client: request.peerIp,
          replica,
          status: response.status,
          source: response.source,
          route: handled.ctx.match?.route.name ?? null,
          service: handled.ctx.match?.service?.name ?? null,
          ms: t - receivedAt,
          gatewayMs: Math.max(0, gatewayDone - receivedAt - (handled.upstreamMs ?? 0)),
          upstreamMs: handled.upstreamMs,
        };
        // Assigned, not spread from a conditional object: the spread built and copied one per request.
        if (this.sink.level === 'full') end.headers = response.headers.toJSON();
        const facts = this.facts;
        facts.bodyBytesSent = bodyBytesSent(request.method, res, response);
        facts.requestLength = requestLengthOf(req, target, request, chunked);
        facts.upstreamBytes = upstreamBodyBytes(response);
        this.sink.emit(end, facts);
      });
      sendGatewayBody(res, response);
    });
  }

  /**
   * A header value as the access log may print it: hidden when the config names the header a secret
   * (key-auth's key_names), and a Referer's secret query parameters hidden like the request's own.
   * The sink's redaction never sees these values, so it is done here.
   */
  private loggable(name: string, value: string | undefined): string | null {
    if (value === undefined) return null;
    if (this.secrets.headers.has(name)) return REDACTED;
    return name === 'referer' ? redactQuery(value, this.secrets) : value;
  }

  /** The last request's URL and its parts: a proxy sees the same few URLs again and again. */
  private lastUrl = { scheme: '', host: '', path: '', query: '', url: '' };

  /**
   * `scheme://host/path?query`, the same string as the last request's when its parts are equal: one
   * string the /trace ring, the redaction and the access log's URL memory have already seen (compared
   * by pointer, its hash kept) instead of a fresh rope of five pieces per request.
   */
  private urlOf(scheme: string, host: string, path: string, query: string): string {
    const last = this.lastUrl;
    if (last.path === path && last.host === host && last.query === query && last.scheme === scheme) return last.url;
    const url = `${scheme}://${host}${path}${query ? `?${query}` : ''}`;
    this.lastUrl = { scheme, host, path, query, url };
    return url;
  }

  /** settle() as one listener made per server: a closure per request cost an allocation each. */
  private readonly settleOne = (): void => this.settle();

  /** One request left (its response closed): wake drain() when it was the last. */
  private settle(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private toIncoming(req: IncomingMessage): IncomingRequest {
    const headers = new HeaderMap();
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    // The id header stays on the request: verify's fake backends read it to make the same
    // per-request choices as the simulation.
    const idHeader = this.opts.requestIdHeader;
    const given = idHeader ? headers.get(idHeader) : undefined;
    const hasBody = headers.has('content-length') || headers.has('transfer-encoding');
    const id = given ?? `req-${++this.counter}`;
    const method = req.method ?? 'GET';
    const scheme = this.opts.tls ? 'https' : 'http';
    const host = headers.get('host') ?? '';
    const port = req.socket.localPort ?? this.opts.port ?? 0;
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    const peerIp = normalizePeer(req.socket.remoteAddress ?? '');
    // Two literals, not a spread of `{ stream }` or `{}`: the spread built and copied an object per
    // request. The keys stay in the same order either way.
    return hasBody ? { id, method, scheme, host, port, path, query, headers, stream: req, peerIp } : { id, method, scheme, host, port, path, query, headers, peerIp };
  }
}
