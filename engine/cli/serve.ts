/** `gatelab serve`: the pipeline as a real reverse proxy on sockets. */
import { readFileSync, watch } from 'node:fs';
import { hasErrors } from '../core/errors.ts';
import { AccessLogBuilder, formatAccessJson, formatUpstreamInfo, type AccessRecord } from '../observe/access-log.ts';
import { ProxyServer } from '../runtimes/proxy/proxy-server.ts';
import { startAdmin } from '../runtimes/proxy/admin-server.ts';
import { localStore, redisStore } from '../runtimes/proxy/stores.ts';
import { intOption, parse, UsageError } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { loadConfigFiles } from './load.ts';
import { LineBatcher } from './line-batcher.ts';
import { isClusterWorker, leaveCluster, runClusterPrimary } from './serve-cluster.ts';

export const SERVE_HELP = `Usage: gatelab serve --config FILE… [options]

Runs the gateway pipeline as a real reverse proxy. Access logs go to stdout, one line per request.

Options:
  --config FILE            gateway config; repeat to merge overlays in order
  --listen HOST:PORT       proxy listener (default 127.0.0.1:8000)
  --admin HOST:PORT        admin listener: /healthz /readyz /config /metrics /trace (default 127.0.0.1:8001)
  --tls-cert FILE          serve HTTPS with this certificate (with --tls-key; scripts/make-cert.sh makes one)
  --tls-key FILE
  --redis URL              counter store for policy redis (default: in-process)
  --log nginx|json         access log format (default nginx: ingress-nginx's upstreaminfo)
  --seed N                 seed for per-request draws (default 1)
  --grace SECONDS          drain time on SIGTERM (default 30)
  --keepalive-timeout S    how long an idle client connection stays open (default 5)
  --workers N              N processes (node:cluster) sharing the port; local counters are per worker,
                           and the admin listener then serves only /healthz and /readyz
  -h, --help               show this help

Reloads without dropping in-flight requests when a config file changes or on SIGHUP.
Stops accepting on SIGTERM, drains in-flight requests, then exits.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    config: { type: 'string', multiple: true },
    listen: { type: 'string' },
    admin: { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    redis: { type: 'string' },
    log: { type: 'string' },
    seed: { type: 'string' },
    grace: { type: 'string' },
    workers: { type: 'string' },
    'keepalive-timeout': { type: 'string' },
  });
  if (values.help) {
    console.log(SERVE_HELP);
    return EXIT.ok;
  }
  const configs = (values.config as string[] | undefined) ?? [];
  if (configs.length === 0) throw new UsageError('serve needs --config FILE');
  const listen = hostPort((values.listen as string | undefined) ?? '127.0.0.1:8000', '--listen');
  const admin = hostPort((values.admin as string | undefined) ?? '127.0.0.1:8001', '--admin');
  const logFormat = (values.log as string | undefined) ?? 'nginx';
  if (logFormat !== 'nginx' && logFormat !== 'json') throw new UsageError('--log must be nginx or json');
  const certFile = values['tls-cert'] as string | undefined;
  const keyFile = values['tls-key'] as string | undefined;
  if (!!certFile !== !!keyFile) throw new UsageError('--tls-cert and --tls-key go together');
  const graceMs = (intOption(values.grace, 'grace') ?? 30) * 1000;
  const keepAliveSeconds = intOption(values['keepalive-timeout'], 'keepalive-timeout');
  const workers = intOption(values.workers, 'workers');
  if (workers !== undefined && (workers < 1 || workers > 64)) throw new UsageError('--workers takes 1 to 64');

  const load = () => loadConfigFiles(configs);
  const first = load();
  printDiagnostics(first.diagnostics);
  if (!first.ir || hasErrors(first.diagnostics)) return EXIT.usage;
  const worker = isClusterWorker();
  if (workers !== undefined && !worker) return runClusterPrimary({ workers, listen, admin, scheme: certFile ? 'https' : 'http' });

  const redisUrl = values.redis as string | undefined;
  const proxy: ProxyServer = new ProxyServer({
    ir: first.ir,
    host: listen.host,
    port: listen.port,
    ...(certFile && keyFile ? { tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } } : {}),
    store: redisUrl ? redisStore(redisUrl) : localStore(() => proxy.now()),
    seed: intOption(values.seed, 'seed') ?? 1,
    level: 'decisions',
    ...(keepAliveSeconds !== undefined ? { keepAliveTimeoutMs: keepAliveSeconds * 1000 } : {}),
  });
  const builder = new AccessLogBuilder(Date.now());
  const format = logFormat === 'json' ? formatAccessJson : formatUpstreamInfo;
  const accessLog = new LineBatcher((text) => process.stdout.write(text));
  proxy.sink.subscribe((e) => {
    const record: AccessRecord | undefined = builder.add(e);
    if (record) accessLog.line(format(record));
  });
  const address = await proxy.start().catch((e: unknown) => {
    // A cluster worker must leave the cluster to exit; a taken port is the user's to fix, not a bug.
    if (worker) leaveCluster();
    if ((e as { code?: string }).code === 'EADDRINUSE') throw new UsageError(`--listen ${listen.host}:${listen.port}: the address is in use; stop what listens there or pick another port`);
    throw e;
  });
  // A cluster worker has no admin listener of its own: the primary owns that port.
  const adminServer = worker ? undefined : await startAdmin(proxy, admin.host, admin.port);
  if (adminServer) {
    console.error(`gatelab serve: proxy on ${certFile ? 'https' : 'http'}://${address.address}:${address.port}, admin on http://${adminServer.address.address}:${adminServer.address.port}`);
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
