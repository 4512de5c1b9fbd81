/** `gatelab serve`: the pipeline as a real reverse proxy on sockets. */
import { readFileSync, watch } from 'node:fs';
import { hasErrors } from '../core/errors.ts';
import { ACCESS_LOG_EVENT_TYPES, AccessLogBuilder, type AccessRecord } from '../observe/access-log.ts';
import { formatAccessJson, formatUpstreamInfo } from '../observe/access-log-format.ts';
import { ProxyServer } from '../runtimes/proxy/proxy-server.ts';
import { DEFAULT_RING_SIZE } from '../runtimes/proxy/live-sink.ts';
import { startAdmin } from '../runtimes/proxy/admin-server.ts';
import { localStore, redisStore } from '../runtimes/proxy/stores.ts';
import { command, missingOption, options, UsageError, type CommandArgs } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { FORMAT_OPTION, loadConfigFiles } from './load.ts';
import { oneByteStringsInPlace } from '../core/one-byte-strings.ts';
import { LineBatcher, MAX_DELAY_MS, stdoutSink } from './line-batcher.ts';
import { isClusterWorker, leaveCluster, runClusterPrimary } from './serve-cluster.ts';
import { BENCH_PROBE_ENV, startBenchProbe } from './serve-bench-probe.ts';
import { KEEP_PRETENURING_ENV, tuneGcForServing } from './serve-gc.ts';
import { signalHint } from './serve-signals.ts';

export const SERVE_HELP = `Usage: gatelab serve --config FILE… [options]

Runs the gateway pipeline as a real reverse proxy. Access logs go to stdout, one line per request.

Options:
  --config FILE            gateway config; repeat to merge overlays in order
  --format F               kong | gateway-api | ingress-nginx | traefik | ir (default: detected;
                           gatelab's native IR looks like Kong's services and routes, so it needs ir)
  --listen HOST:PORT       proxy listener (default 127.0.0.1:8000)
  --admin HOST:PORT        admin listener: /healthz /readyz /config /metrics /trace (default 127.0.0.1:8001)
  --tls-cert FILE          serve HTTPS with this certificate (with --tls-key; scripts/make-cert.sh makes one)
  --tls-key FILE
  --redis URL              counter store for policy redis (default: in-process)
  --log nginx|json         access log format (default nginx: ingress-nginx's upstreaminfo)
  --seed N                 seed for per-request draws (default 1)
  --grace SECONDS          drain time on SIGTERM (default 30)
  --keepalive-timeout S    how long an idle client connection stays open (default 5)
  --trace-ring N           trace events kept for clients that attach to /trace late (default 10000;
                           0 keeps none: /trace then shows only what happens after it attaches)
  --workers N              N processes (node:cluster) sharing the port; local counters are per worker,
                           and the admin listener then serves only /healthz and /readyz
  -h, --help               show this help

Reloads without dropping in-flight requests when a config file changes or on SIGHUP.
Stops accepting on SIGTERM, drains in-flight requests, then exits.`;

const SERVE = {
  name: 'serve',
  help: SERVE_HELP,
  positionals: 'none',
  options: options({
    config: { kind: 'texts', value: 'FILE' },
    format: FORMAT_OPTION,
    listen: { kind: 'text', value: 'HOST:PORT', default: '127.0.0.1:8000', example: '127.0.0.1:8000' },
    admin: { kind: 'text', value: 'HOST:PORT', default: '127.0.0.1:8001', example: '127.0.0.1:8001' },
    'tls-cert': { kind: 'text', value: 'FILE' },
    'tls-key': { kind: 'text', value: 'FILE' },
    redis: { kind: 'text', value: 'URL' },
    log: { kind: 'choice', choices: ['nginx', 'json'], default: 'nginx' },
    seed: { kind: 'int', default: 1 },
    grace: { kind: 'int', default: 30 },
    'keepalive-timeout': { kind: 'int' },
    'trace-ring': { kind: 'int', min: 0, max: 10_000_000, default: DEFAULT_RING_SIZE },
    workers: { kind: 'int', min: 1, max: 64 },
  }),
} as const;

export const serveCommand = command(SERVE, serve);

async function serve({ values }: CommandArgs<typeof SERVE.options>): Promise<number> {
  // Before anything is allocated per request: see serve-gc.ts for what V8's default cost.
  tuneGcForServing(process.env[KEEP_PRETENURING_ENV]);
  const configs = values.config;
  if (configs.length === 0) throw missingOption(SERVE.name, 'config', SERVE.options.config);
  const listen = hostPort(values.listen, '--listen');
  const admin = hostPort(values.admin, '--admin');
  const logFormat = values.log;
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if (!!certFile !== !!keyFile) throw new UsageError('--tls-cert and --tls-key go together');
  const graceMs = values.grace * 1000;
  const keepAliveSeconds = values['keepalive-timeout'];
  const workers = values.workers;
  const ablate = benchAblation(process.env[BENCH_ABLATE_ENV]);

  // One-byte copies of the config's strings: sliced from a file with one non-Latin-1 character, they
  // are two-byte, and so would be every trace event's JSON and log line built from them (core/one-byte-strings.ts).
  const load = () => {
    const loaded = loadConfigFiles(configs, values.format);
    if (loaded.ir) oneByteStringsInPlace(loaded.ir);
    return loaded;
  };
  const first = load();
  printDiagnostics(first.diagnostics);
  if (!first.ir || hasErrors(first.diagnostics)) return EXIT.usage;
  const worker = isClusterWorker();
  if (workers !== undefined && !worker) return runClusterPrimary({ workers, listen, admin, scheme: certFile ? 'https' : 'http' });

  const redisUrl = values.redis;
  const proxy: ProxyServer = new ProxyServer({
    ir: first.ir,
    host: listen.host,
    port: listen.port,
    ...(certFile && keyFile ? { tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } } : {}),
    store: redisUrl ? redisStore(redisUrl) : localStore(() => proxy.now()),
    seed: values.seed,
    level: ablate.has('trace-summary') ? 'summary' : 'decisions',
    ...(keepAliveSeconds !== undefined ? { keepAliveTimeoutMs: keepAliveSeconds * 1000 } : {}),
    traceRing: values['trace-ring'],
  });
  const probe = startBenchProbe(process.env[BENCH_PROBE_ENV]);
  if (probe) proxy.sink.subscribe((e) => probe.onEvent(e));
  // The access log's clock starts where the trace's does: the instant /trace's run.start names.
  const builder = new AccessLogBuilder(Date.parse(proxy.runStart().start));
  const format = logFormat === 'json' ? formatAccessJson : formatUpstreamInfo;
  const out = stdoutSink();
  const accessLog = new LineBatcher(out.write, MAX_DELAY_MS, out.batchBytes);
  if (!ablate.has('no-access-log')) {
    // `wire`: what the proxy's sockets know and the trace does not carry at this level (the Referer,
    // the User-Agent, the body bytes sent), handed beside the event so trace hashes stay as they are.
    proxy.sink.subscribe((e, wire) => {
      const record: AccessRecord | undefined = builder.add(e, wire);
      if (record) accessLog.line(format(record));
    }, ACCESS_LOG_EVENT_TYPES);
  }
  const address = await proxy.start().catch((e: unknown) => {
    // A cluster worker must leave the cluster to exit; a taken port is the user's to fix, not a bug.
    if (worker) leaveCluster();
    if ((e as { code?: string }).code === 'EADDRINUSE') throw new UsageError(`--listen ${listen.host}:${listen.port}: the address is in use; stop what listens there or pick another port`);
    throw e;
  });
  // A cluster worker has no admin listener of its own: the primary owns that port.
  const adminServer = worker ? undefined : await startAdmin(proxy, admin.host, admin.port, { metrics: !ablate.has('no-metrics') });
  if (adminServer) {
    // The pid is the process to signal: under `npx`, the PID a user sees is npm's, which ends on SIGHUP
    // or SIGTERM without passing them on, leaving this proxy running (docs/cli.md, serve).
    console.error(
      `gatelab serve: proxy on ${certFile ? 'https' : 'http'}://${address.address}:${address.port}, admin on http://${adminServer.address.address}:${adminServer.address.port}, ${signalHint()}`,
    );
  }
  probeHeapOnSignal();

  const reload = (why: string): void => {
    const next = load();
    printDiagnostics(next.diagnostics);
    if (!next.ir || hasErrors(next.diagnostics)) {
      console.error(`gatelab serve: ${why}: the new config has errors; keeping the running one`);
      return;
    }
    proxy.reload(next.ir);
    console.error(`gatelab serve: ${why}: config reloaded`);
  };
  let debounce: NodeJS.Timeout | undefined;
  const watchers = configs.map((f) =>
    watch(f, () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => reload(`${f} changed`), 100);
    }),
  );
  process.on('SIGHUP', () => reload('SIGHUP'));
  return await new Promise<number>((resolve) => {
    const stop = async (signal: string): Promise<void> => {
      console.error(`gatelab serve: ${signal}: draining (up to ${graceMs / 1000}s)`);
      for (const w of watchers) w.close();
      const { dropped } = await proxy.drain(graceMs);
      adminServer?.server.close();
      accessLog.flush();
      if (!worker || dropped) console.error(`gatelab serve: stopped${dropped ? `, ${dropped} request(s) cut off at the grace limit` : ''}`);
      if (worker) leaveCluster();
      resolve(EXIT.ok);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
}

/**
 * For test/bench/proxy/ablation.ts only, undocumented: a comma-separated list in this variable turns
 * parts of the host off so the bench can price each one (trace-summary, no-access-log, no-metrics).
 * Unknown words are refused so a typo cannot make the bench measure the wrong thing.
 */
export const BENCH_ABLATE_ENV = 'GATELAB_BENCH_ABLATE';
const ABLATIONS = new Set(['trace-summary', 'no-access-log', 'no-metrics']);

function benchAblation(text: string | undefined): Set<string> {
  const words = new Set((text ?? '').split(',').filter((w) => w !== ''));
  for (const w of words) if (!ABLATIONS.has(w)) throw new UsageError(`${BENCH_ABLATE_ENV}: unknown part '${w}'; known: ${[...ABLATIONS].join(', ')}`);
  return words;
}

/**
 * For the benchmarks (test/bench/proxy): when node runs with --expose-gc, SIGUSR2 makes the proxy
 * collect garbage and print its memory on stderr, so heap per connection or over a soak can be read
 * without an inspector. Without --expose-gc nothing is installed.
 */
function probeHeapOnSignal(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  process.on('SIGUSR2', () => {
    gc();
    gc();
    const m = process.memoryUsage();
    console.error(`gatelab serve: heap ${JSON.stringify({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })}`);
  });
}

function hostPort(text: string, flag: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`${flag} takes HOST:PORT, e.g. 127.0.0.1:8000, not '${text}'`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`${flag}: port ${port} is out of range`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}
