/** `gatelab explain`: one request through the pipeline, every stage's decision and why. */
import { hasErrors } from '../core/errors.ts';
import { parseIsoInstant } from '../core/calendar.ts';
import { explainRequest, type ExplainInput, type ExplainResult } from '../runtimes/sim/explain.ts';
import { command, missingOption, options, UsageError, type CommandArgs } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { FORMAT_OPTION, loadConfigFiles, loadScenarioFile, requireVariant, VARIANT_OPTION } from './load.ts';
import { parseDuration } from '../core/duration.ts';
import { explainInScenario } from '../runtimes/sim/explain-scenario.ts';

export const EXPLAIN_HELP = `Usage: gatelab explain --config FILE… --request "METHOD URL" [options]
       gatelab explain --scenario FILE [--variant V] --at OFFSET [--request "METHOD URL"] [options]

Sends one request through a fresh gateway (empty counters, closed breakers) built from the config
files (later files merge onto the first, like overlays) and prints every stage's decision and reason.
With --scenario, the request instead meets the scenario's state at --at: the run proceeds to that
instant and the request arrives after everything else that happens then ("what would happen to this
request now?"); --request, --client-ip and headers default to the scenario's first client.

Options:
  --config FILE                   a gateway config file; repeat to merge overlays in order
  --scenario FILE                 evaluate against a scenario's state instead of a fresh gateway
  --variant NAME                  with --scenario: the variant (default base)
  --at OFFSET                     with --scenario: Go duration from the scenario's start, e.g. 1m1s
  --format F                      kong | gateway-api | ingress-nginx | traefik | ir (default: detected)
  --request "METHOD URL"          the request; the URL is absolute, its authority is the Host header
  -H, --header "Name: value"      a request header (repeatable)
  --cookie k=v                    a cookie (repeatable)
  --client-ip IP                  the TCP peer address (default 198.51.100.10)
  --now ISO                       the instant (default 2026-01-01T00:00:00Z)
  --seed N                        seed for per-request draws (default 1)
  --repeat N                      send N identical requests first, at the same instant (default 0)
  --upstream-status N             what the upstream answers (default 200)
  --upstream-response-header "N: v"   a header the upstream answers with (repeatable)
  --json                          print exactly one JSON object (status, route, backend, upstream,
                                  response, redirect, decisions)
  -h, --help                      show this help

Exit status: 0 the request was evaluated (whatever its status), 2 usage or config error.`;

const DEFAULT_NOW = '2026-01-01T00:00:00Z';

const EXPLAIN = {
  name: 'explain',
  help: EXPLAIN_HELP,
  positionals: 'none',
  options: options({
    config: { kind: 'texts', value: 'FILE' },
    scenario: { kind: 'text', value: 'FILE' },
    variant: { ...VARIANT_OPTION, default: 'base' },
    at: { kind: 'text', value: 'OFFSET', example: '1m1s' },
    format: FORMAT_OPTION,
    request: { kind: 'text', value: '"METHOD URL"', example: '"GET http://api.example.com/orders"' },
    header: { kind: 'texts', value: '"Name: value"', short: 'H' },
    cookie: { kind: 'texts', value: 'k=v' },
    'client-ip': { kind: 'text', value: 'IP' },
    now: { kind: 'text', value: 'ISO', default: DEFAULT_NOW },
    seed: { kind: 'int', default: 1 },
    repeat: { kind: 'int', default: 0 },
    'upstream-status': { kind: 'int', min: 100, max: 599, default: 200 },
    'upstream-response-header': { kind: 'texts', value: '"Name: value"' },
    json: { kind: 'flag' },
  }),
} as const;

type ExplainValues = CommandArgs<typeof EXPLAIN.options>['values'];

export const explainCommand = command(EXPLAIN, explain);

async function explain({ values }: CommandArgs<typeof EXPLAIN.options>): Promise<number> {
  if (values.scenario) return explainScenario(values, values.scenario);
  const configs = values.config;
  if (configs.length === 0) throw missingOption('explain', 'config', EXPLAIN.options.config);
  const requestLine = values.request;
  if (!requestLine) throw missingOption('explain', 'request', EXPLAIN.options.request);
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(requestLine);
  if (!m || !/^https?:\/\//.test(m[2] as string)) {
    throw new UsageError(`--request must be "METHOD absolute-URL", e.g. "GET http://api.example.com/orders", not '${requestLine}'`);
  }
  const nowText = values.now;
  const now = parseIsoInstant(nowText);
  if (now === undefined) throw new UsageError(`--now must be an ISO-8601 UTC instant like ${DEFAULT_NOW}, not '${nowText}'`);
  const headers = values.header.map((h) => headerPair(h, '--header'));
  const cookies = values.cookie;
  if (cookies.length > 0) headers.push(['Cookie', cookies.join('; ')]);

  const loaded = loadConfigFiles(configs, values.format);
  const problems = loaded.diagnostics;
  if (!loaded.ir || hasErrors(problems)) {
    printDiagnostics(problems);
    return EXIT.usage;
  }
  printDiagnostics(problems); // warnings go to stderr, so --json stdout stays one object
  const input: ExplainInput = {
    method: m[1] as string,
    url: m[2] as string,
    headers,
    clientIp: values['client-ip'] ?? '198.51.100.10',
    now,
    seed: values.seed,
    repeat: values.repeat,
    upstreamStatus: values['upstream-status'],
    upstreamHeaders: values['upstream-response-header'].map((h) => headerPair(h, '--upstream-response-header')),
  };
  const result = await explainRequest(loaded.ir, input);
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatExplain(input, result));
  return EXIT.ok;
}

async function explainScenario(values: ExplainValues, scenarioFile: string): Promise<number> {
  const atText = values.at;
  if (!atText) throw missingOption('explain --scenario', 'at', EXPLAIN.options.at);
  const atMs = parseDuration(atText);
  if (atMs === undefined || atMs < 0) throw new UsageError(`--at takes a Go duration from the scenario's start, e.g. 59s or 1m1s, not '${atText}'`);
  const loaded = loadScenarioFile(scenarioFile);
  if (!loaded.scenario || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return EXIT.usage;
  }
  const scenario = loaded.scenario;
  const variant = values.variant;
  requireVariant(scenario, variant);
  const client = scenario.clients[0];
  const requestLine = values.request;
  const m = requestLine ? /^\s*([A-Za-z]+)\s+(https?:\/\/\S+)\s*$/.exec(requestLine) : undefined;
  if (requestLine && !m) throw new UsageError(`--request must be "METHOD absolute-URL", not '${requestLine}'`);
  if (!m && !client) throw new UsageError('the scenario has no client to copy a request from; give --request');
  const headers = [
    ...(m ? [] : (client?.request.headers ?? [])),
    ...values.header.map((h) => headerPair(h, '--header')),
  ];
  const input = {
    method: m ? (m[1] as string) : (client?.request.method ?? 'GET'),
    url: m ? (m[2] as string) : (client?.request.url ?? ''),
    headers,
    clientIp: values['client-ip'] ?? client?.ip ?? '198.51.100.10',
    atMs,
  };
  const { result, diagnostics } = await explainInScenario(scenario, variant, input);
  printDiagnostics(diagnostics);
  if (!result) return EXIT.usage;
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatExplain({ ...input, repeat: 0 }, result, `at ${atText} in ${scenario.id} (${variant})`));
  return EXIT.ok;
}

function headerPair(text: string, flag: string): [string, string] {
  const at = text.indexOf(':');
  if (at <= 0) throw new UsageError(`${flag} takes "Name: value", not '${text}'`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

function formatExplain(
  input: Pick<ExplainInput, 'method' | 'url' | 'clientIp' | 'repeat'>,
  r: ExplainResult,
  when = '',
): string {
  const lines = [`${input.method.toUpperCase()} ${input.url} from ${input.clientIp}${input.repeat ? ` (after ${input.repeat} identical)` : ''}${when ? ` ${when}` : ''}`];
  for (const d of r.decisions) lines.push(`  ${d.plugin.padEnd(12)} ${d.phase.padEnd(8)} ${d.verdict.padEnd(5)} ${d.reason}`);
  lines.push(`→ ${r.status}${r.route ? ` via route ${r.route}` : ''}${r.backend ? ` to ${r.backend}` : ''}`);
  if (r.upstream) {
    lines.push(`  upstream: ${r.upstream.method} ${r.upstream.path} (Host: ${r.upstream.host})`);
    for (const [n, v] of Object.entries(r.upstream.headers)) lines.push(`    ${n}: ${Array.isArray(v) ? v.join(' | ') : v}`);
  }
  lines.push('  response headers:');
  for (const [n, v] of Object.entries(r.response.headers)) lines.push(`    ${n}: ${Array.isArray(v) ? v.join(' | ') : v}`);
  if (r.response.body !== null && r.response.body !== '') lines.push(`  body: ${JSON.stringify(r.response.body)}`);
  return lines.join('\n');
}
