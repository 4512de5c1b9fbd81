/**
 * `gatelab verify`: the simulation's prediction against what really happens. The scenario's
 * backends become real local servers, its gateway config runs in real proxies (one per replica, each
 * with its own state), a real redis-server joins when the config needs one, and the scenario's traffic
 * is sent in real time from loopback source addresses. The outcomes are then compared.
 */
import { Agent, request } from 'undici';
import { hasErrors, type Diagnostic } from '../../../core/errors.ts';
import { keyedDraw, Rng } from '../../../core/rng.ts';
import type { GatewayIR, ServiceIR } from '../../../config/ir.ts';
import { loadGateway } from '../../../config/load-gateway.ts';
import { applyVariant } from '../../../scenario/load.ts';
import type { BackendSpec, Scenario } from '../../../scenario/types.ts';
import { runVariant } from '../../sim/run-scenario.ts';
import { findBackend } from '../../sim/backends.ts';
import { flatSchedule } from '../../sim/schedule.ts';
import { parseRequestUrl } from '../../sim/request-builder.ts';
import { ProxyServer, WARMUP_HEADER } from '../proxy-server.ts';
import { localStore, redisStore } from '../stores.ts';
import { compareOutcomes, type Comparison, type Outcome } from './compare.ts';
import { startFakeBackend, REQUEST_ID_HEADER, type FakeBackend } from './fake-backends.ts';
import { LoopbackMap } from './loopback.ts';
import { startRedis, type RedisProcess } from './redis-server.ts';
import { SceneClock } from './scene-clock.ts';
import { cookieJarFor } from '../../sim/client-cookies.ts';

export interface VerifyOptions {
  tolerancePct: number;
  seed?: number;
  /** Called with progress lines. */
  log?: (line: string) => void;
}

export interface VerifyReport {
  variant: string;
  diagnostics: Diagnostic[];
  comparison?: Comparison;
  realMs: number;
  sceneMs: number;
  /** The worst delay between a request's scheduled send time and its arrival at a proxy. */
  maxSendLagMs: number;
}

/** Longer than this with nothing in flight, the driver skips ahead instead of waiting. */
const IDLE_SKIP_MS = 250;

export async function verifyVariant(base: Scenario, variant: string, opts: VerifyOptions): Promise<VerifyReport> {
  const log = opts.log ?? (() => {});
  const patched = variant === 'base' ? { scenario: base, diagnostics: [] } : applyVariant(base, variant);
  if (!patched.scenario || hasErrors(patched.diagnostics)) return { variant, diagnostics: patched.diagnostics, realMs: 0, sceneMs: 0, maxSendLagMs: 0 };
  const scenario = patched.scenario;
  const seed = opts.seed ?? scenario.seed;
  const loaded = loadGateway(scenario.gateway);
  if (!loaded.ir || hasErrors(loaded.diagnostics)) return { variant, diagnostics: loaded.diagnostics, realMs: 0, sceneMs: 0, maxSendLagMs: 0 };

  const unsupported = notOnSockets(scenario);
  if (unsupported.length > 0) {
    const diagnostics: Diagnostic[] = unsupported.map((what) => ({
      severity: 'error',
      code: 'GL_E_SCHEMA',
      message: `variant '${variant}' cannot be verified on real sockets: ${what}`,
      hint: 'verify a variant without it; the simulation still runs it (gatelab run, gatelab check)',
      loc: scenario.map.locate([]),
    }));
    return { variant, diagnostics, realMs: 0, sceneMs: 0, maxSendLagMs: 0 };
  }
  const sim = await runVariant(scenario, variant, { level: 'summary', seed });
  const simOutcomes: Outcome[] = [];
  const schedule = flatSchedule(scenario, seed);
  const sendAt = new Map(schedule.map((s) => [s.id, s.atMs]));
  for (const e of sim.events) {
    if (e.type === 'request.end') simOutcomes.push({ id: e.req, client: e.client, atMs: sendAt.get(e.req) ?? 0, status: e.status });
  }

  const cleanup: Array<() => Promise<unknown>> = [];
  const started = Date.now();
  try {
    const clock = new SceneClock(scenario.start);
    const { ir, backends } = await withFakeBackends(loaded.ir, scenario, seed, clock);
    cleanup.push(...backends.map((b) => () => b.close()));
    const loopback = new LoopbackMap(scenario.clients.map((c) => c.ip));
    const mappedIr = loopback.mapTrusted(ir);
    let redis: RedisProcess | undefined;
    if (usesRedis(mappedIr)) {
      redis = await startRedis();
      cleanup.push(() => redis!.stop());
      log(`verify: redis-server on ${redis.url}`);
    }
    const replicas: ProxyServer[] = [];
    const arrivalLag = { max: 0 };
    for (let i = 0; i < scenario.replicas; i++) {
      const proxy: ProxyServer = new ProxyServer({
        ir: mappedIr,
        port: 0,
        store: redis ? redisStore(redis.url) : localStore(() => clock.now()),
        seed,
        now: () => clock.now(),
        requestIdHeader: REQUEST_ID_HEADER,
        replica: `gw-${i}`,
        level: 'decisions',
      });
      // Lag is measured where it matters: when the request reaches the proxy, in scenario time.
      proxy.sink.subscribe((e) => {
        if (e.type !== 'request.start') return;
        const planned = sendAt.get(e.req);
        if (planned !== undefined) arrivalLag.max = Math.max(arrivalLag.max, clock.sceneMs() - planned);
      });
      await proxy.start();
      replicas.push(proxy);
      cleanup.push(() => proxy.drain(2000));
    }
    log(`verify: ${scenario.id} [${variant}]: ${schedule.length} requests, ${replicas.length} replica(s), ${backends.length} backend(s)`);
    const { outcomes } = await drive(scenario, schedule, replicas, loopback, clock, seed, redis);
    const comparison = compareOutcomes(simOutcomes, outcomes, opts.tolerancePct);
    return {
      variant,
      diagnostics: [...patched.diagnostics, ...loaded.diagnostics],
      comparison,
      realMs: Date.now() - started,
      sceneMs: clock.sceneMs(),
      maxSendLagMs: arrivalLag.max,
    };
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  }
}

/**
 * What the real-socket driver does not reproduce yet: its fake backends model latency, errors and
 * outages only, and its clients send the fixed schedule (no timeouts, no retries of their own).
 */
function notOnSockets(scenario: Scenario): string[] {
  const out: string[] = [];
  if (scenario.events.some((e) => e.kind === 'degrade')) out.push('degrade events (the fake backends do not change their behaviour over time)');
  if (scenario.clients.some((c) => c.retry || c.timeoutMs !== undefined)) out.push('client timeouts and retries (the driver sends the fixed schedule)');
  if (scenario.backends.some((b) => b.concurrency !== undefined)) out.push('backend concurrency limits (the fake backends serve every request at once)');
  if (scenario.rollout) out.push('a rollout controller (it runs in the simulation only)');
  return out;
}

function usesRedis(ir: GatewayIR): boolean {
  return ir.plugins.some((p) => {
    const policy = (p.config as { policy?: unknown } | null)?.policy;
    return policy === 'redis' || policy === 'cluster';
  });
}

/** Starts one real server per backend model and points every service target at it. */
async function withFakeBackends(ir: GatewayIR, scenario: Scenario, seed: number, clock: SceneClock): Promise<{ ir: GatewayIR; backends: FakeBackend[] }> {
  const started = new Map<BackendSpec, FakeBackend>();
  const services: ServiceIR[] = [];
  for (const service of ir.services) {
    const targets = [];
    for (const target of service.targets) {
      const spec = findBackend(scenario.backends, service, target);
      let fake = started.get(spec);
      if (!fake) started.set(spec, (fake = await startFakeBackend(spec, scenario, seed, clock)));
      targets.push({ host: '127.0.0.1', port: fake.port, weight: target.weight });
    }
    services.push({ ...service, protocol: 'http', targets });
  }
  return { ir: { ...ir, services }, backends: [...started.values()] };
}

async function drive(
  scenario: Scenario,
  schedule: ReturnType<typeof flatSchedule>,
  replicas: ProxyServer[],
  loopback: LoopbackMap,
  clock: SceneClock,
  seed: number,
  redis: RedisProcess | undefined,
): Promise<{ outcomes: Outcome[]; maxSendLagMs: number }> {
  const agents = new Map<string, Agent>();
  const agentFor = (ip: string): Agent => {
    let a = agents.get(ip);
    if (!a) agents.set(ip, (a = new Agent({ localAddress: ip, connections: 256 })));
    return a;
  };
  const frontRng = new Rng(seed, 'scenario').split('front-balancer');
  let rr = 0;
  const pick = (peerIp: string): ProxyServer => {
    const n = replicas.length;
    if (scenario.frontBalancer === 'random') return replicas[Math.floor(frontRng.next() * n)] as ProxyServer;
    if (scenario.frontBalancer === 'ip-hash') return replicas[Math.floor(keyedDraw(seed, 'ip-hash', peerIp) * n)] as ProxyServer;
    return replicas[rr++ % n] as ProxyServer;
  };
  // Scenario events become points in the schedule too, so skipping never jumps over one.
  const controls = scenario.events
    .map((e) => ({ atMs: e.atMs, run: async () => {
      if (e.kind === 'outage' && (e.target === 'redis' || e.target === 'store') && redis) {
        await redis.stop();
        const back = e.atMs + e.durationMs;
        pendingRestarts.push({ atMs: back, run: () => redis.restart() });
      } else if (e.kind === 'config') {
        const next = loadGateway(e.gateway).ir;
        if (next) for (const r of replicas) r.reload(loopback.mapTrusted(next));
      }
    } }))
    .sort((a, b) => a.atMs - b.atMs);
  const pendingRestarts: Array<{ atMs: number; run: () => Promise<void> }> = [];

  await warmUp(schedule, replicas, loopback, agentFor);
  // Start the scenario clock only now: backends, proxies and warm connections are ready.
  clock.restart();
  const outcomes: Outcome[] = [];
  let maxSendLagMs = 0;
  const inflight = new Set<Promise<void>>();
  const waitUntil = async (sceneMs: number): Promise<void> => {
    const gap = clock.realAt(sceneMs) - Date.now();
    if (gap > IDLE_SKIP_MS && inflight.size === 0) clock.skip(gap - 20);
    const wait = clock.realAt(sceneMs) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  const runControlsUpTo = async (sceneMs: number): Promise<void> => {
    for (;;) {
      const due = [...controls, ...pendingRestarts].filter((c) => c.atMs <= sceneMs).sort((a, b) => a.atMs - b.atMs)[0];
      if (!due) return;
      await waitUntil(due.atMs);
      controls.splice(controls.indexOf(due as (typeof controls)[number]), 1);
      const i = pendingRestarts.indexOf(due as (typeof pendingRestarts)[number]);
      if (i >= 0) pendingRestarts.splice(i, 1);
      await due.run();
    }
  };

  for (const item of schedule) {
    await runControlsUpTo(item.atMs);
    await waitUntil(item.atMs);
    maxSendLagMs = Math.max(maxSendLagMs, clock.sceneMs() - item.atMs);
    const peer = loopback.toLoopback(item.client.ip);
    const proxy = pick(peer);
    const url = parseRequestUrl(item.client.request.url);
    const headers: string[] = ['host', url.host, REQUEST_ID_HEADER, item.id];
    const jar = item.client.cookies === 'keep' ? cookieJarFor(outcomes, item.client) : undefined;
    let own: string | undefined;
    for (const [n, v] of item.client.request.headers) {
      if (jar && n.toLowerCase() === 'cookie') own = own === undefined ? v : `${own}; ${v}`;
      else if (n.toLowerCase() !== 'host') headers.push(n, v);
    }
    const cookie = jar?.cookieLine(own, clock.now()) ?? own;
    if (cookie !== undefined) headers.push('cookie', cookie);
    const p: Promise<void> = request(`http://127.0.0.1:${proxy.port}${url.path}${url.query ? `?${url.query}` : ''}`, {
      method: item.client.request.method as 'GET',
      headers,
      body: item.client.request.body,
      dispatcher: agentFor(peer),
    })
      .then(async (res) => {
        await res.body.dump();
        // A `cookies: keep` client stores the answer's Set-Cookie, as the simulation's clients do.
        const set = res.headers['set-cookie'];
        if (jar && set !== undefined) jar.keep(Array.isArray(set) ? set : [set], clock.now());
        outcomes.push({ id: item.id, client: item.client.id, atMs: item.atMs, status: res.statusCode });
      })
      .catch(() => {
        outcomes.push({ id: item.id, client: item.client.id, atMs: item.atMs, status: 0 });
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all([...inflight]);
  await runControlsUpTo(Infinity);
  for (const a of agents.values()) await a.close();
  return { outcomes, maxSendLagMs };
}

/**
 * Opens, for every client address and replica, as many keep-alive connections as the client's largest
 * burst, so a burst goes out on warm connections as it does in the simulation's instant.
 */
async function warmUp(
  schedule: ReturnType<typeof flatSchedule>,
  replicas: ProxyServer[],
  loopback: LoopbackMap,
  agentFor: (ip: string) => Agent,
): Promise<void> {
  const burst = new Map<string, Map<number, number>>();
  for (const s of schedule) {
    const byTime = burst.get(s.client.ip) ?? new Map<number, number>();
    byTime.set(s.atMs, (byTime.get(s.atMs) ?? 0) + 1);
    burst.set(s.client.ip, byTime);
  }
  const opens: Array<Promise<unknown>> = [];
  for (const [ip, byTime] of burst) {
    const n = Math.min(256, Math.max(...byTime.values()));
    const agent = agentFor(loopback.toLoopback(ip));
    for (const proxy of replicas) {
      for (let i = 0; i < n; i++) {
        opens.push(
          request(`http://127.0.0.1:${proxy.port}/`, { headers: { [WARMUP_HEADER]: '1' }, dispatcher: agent }).then((r) => r.body.dump()),
        );
      }
    }
  }
  await Promise.all(opens);
}
