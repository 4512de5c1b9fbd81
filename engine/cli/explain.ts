/** `gatelab explain`: one request through the pipeline, every stage's decision and why. */
import { hasErrors } from '../core/errors.ts';
import { formatIsoInstant, parseIsoInstant } from '../core/calendar.ts';
import { explainRequest, type ExplainInput } from '../runtimes/sim/explain.ts';
import { command, missingOption, options, UsageError, type CommandArgs } from './args.ts';
import { EXIT, printDiagnostics } from './io.ts';
import { FORMAT_OPTION, loadConfigFiles, loadScenarioFile, requireVariant, VARIANT_OPTION } from './load.ts';
import { parseDuration } from '../core/duration.ts';
import { explainClientRequest, explainInScenario, type ScenarioRunChoices } from '../runtimes/sim/explain-scenario.ts';
import type { Scenario } from '../scenario/types.ts';
import { formatExplain } from './explain-format.ts';

export const EXPLAIN_HELP = `Usage: gatelab explain --config FILE… --request "METHOD URL" [options]
       gatelab explain --scenario FILE [--variant V] --at OFFSET|--now ISO [--request "METHOD URL"] [options]
       gatelab explain --scenario FILE [--variant V] --client ID [--at OFFSET|--now ISO] [--seed N] [--json]

Sends one request through a fresh gateway (empty counters, closed breakers) built from the config
files (later files merge onto the first, like overlays) and prints every stage's decision and reason.
With --scenario, the request instead meets the scenario's state at --at: the run proceeds to that
instant and the request arrives after everything else that happens then ("what would happen to this
request now?"); --request, --client-ip and headers default to the scenario's first client. With a
capacity model it goes through the first live replica like any request: it takes a slot or waits for
one, can be refused, dropped, timed out by the front or OOM-killed, and its CPU work queues behind the
traffic's; each wait is printed as a "wait" line between the decisions.
With --scenario and --client ID, nothing is added: the request is the one client ID really sent,
the first at or after --at (default its first), told from the run's trace ("what happened to it?").

Options:
  --config FILE                   a gateway config file; repeat to merge overlays in order
  --scenario FILE                 evaluate against a scenario's run instead of a fresh gateway
  --variant NAME                  with --scenario: the variant (default base)
  --at OFFSET                     with --scenario: Go duration from the scenario's start, e.g. 1m1s
  --client ID                     with --scenario: explain that client's own request (see above)
  --format F                      kong | gateway-api | ingress-nginx | traefik | ir (default: detected;
                                  with --scenario it reads the scenario's gateway configs as F)
  --request "METHOD URL"          the request; the URL is absolute, its authority is the Host header
  -H, --header "Name: value"      a request header (repeatable)
  --cookie k=v                    a cookie (repeatable), joined into one Cookie header
  --client-ip IP                  the TCP peer address (default 198.51.100.10)
  --now ISO                       the instant (default 2026-01-01T00:00:00Z); with --scenario, instead
                                  of --at: that instant of the run
  --seed N                        seed for per-request draws (default 1); with --scenario, instead of
                                  the scenario's seed (as gatelab run --seed)
  --repeat N                      send N identical requests first, at the same instant (default 0)
  --upstream-status N             what the upstream answers (default 200; not with --scenario)
  --upstream-response-header "N: v"   a header the upstream answers with (repeatable; not with --scenario)
  --json                          print exactly one JSON object (status, route, backend, upstream,
                                  response, redirect, decisions; with --scenario also waits when it
                                  waited, answeredBy when the pipeline did not answer, request with
                                  --client)
  -h, --help                      show this help

Exit status: 0 the request was evaluated (whatever its status), 2 usage or config error.`;

const DEFAULT_NOW = '2026-01-01T00:00:00Z';

const EXPLAIN = {
  name: 'explain',
  help: EXPLAIN_HELP,
  positionals: 'none',
  // No defaults on the options whose absence matters: --scenario refuses or reads them only when given.
  options: options({
    config: { kind: 'texts', value: 'FILE' },
    scenario: { kind: 'text', value: 'FILE' },
    variant: VARIANT_OPTION,
    at: { kind: 'text', value: 'OFFSET', example: '1m1s' },
    client: { kind: 'text', value: 'ID' },
    format: FORMAT_OPTION,
    request: { kind: 'text', value: '"METHOD URL"', example: '"GET http://api.example.com/orders"' },
    header: { kind: 'texts', value: '"Name: value"', short: 'H' },
    cookie: { kind: 'texts', value: 'k=v' },
    'client-ip': { kind: 'text', value: 'IP' },
    now: { kind: 'text', value: 'ISO' },
    seed: { kind: 'int' },
    repeat: { kind: 'int', default: 0 },
    'upstream-status': { kind: 'int', min: 100, max: 599 },
    'upstream-response-header': { kind: 'texts', value: '"Name: value"' },
    json: { kind: 'flag' },
  }),
} as const;

type ExplainValues = CommandArgs<typeof EXPLAIN.options>['values'];

export const explainCommand = command(EXPLAIN, explain);

async function explain({ values }: CommandArgs<typeof EXPLAIN.options>): Promise<number> {
  if (values.scenario) return explainScenario(values, values.scenario);
  // These only mean something against a scenario's run: refused rather than ignored.
  for (const name of ['at', 'client', 'variant'] as const) {
    if (values[name] !== undefined) throw new UsageError(`--${name} works only with --scenario FILE; without it the request meets a fresh gateway built from --config`);
  }
  const configs = values.config;
  // Neither form chosen: name both, since a scenario user told only "--config" goes the wrong way.
  if (configs.length === 0) {
    throw new UsageError('explain needs --config FILE (one request through a fresh gateway) or --scenario FILE (a request at an instant of a run)');
  }
  const requestLine = values.request;
  if (!requestLine) throw missingOption('explain', 'request', EXPLAIN.options.request);
  const m = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(requestLine);
  if (!m || !/^https?:\/\//.test(m[2] as string)) {
    throw new UsageError(`--request must be "METHOD absolute-URL", e.g. "GET http://api.example.com/orders", not '${requestLine}'`);
  }
  const now = instant(values.now ?? DEFAULT_NOW);
  const headers = withCookies(values.header.map((h) => headerPair(h, '--header')), values.cookie);

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
    seed: values.seed ?? 1,
    repeat: values.repeat,
    upstreamStatus: values['upstream-status'] ?? 200,
    upstreamHeaders: values['upstream-response-header'].map((h) => headerPair(h, '--upstream-response-header')),
  };
  const result = await explainRequest(loaded.ir, input);
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatExplain(input, result));
  return EXIT.ok;
}

async function explainScenario(values: ExplainValues, scenarioFile: string): Promise<number> {
  refuseWithScenario(values);
  if (values.at !== undefined && values.now !== undefined) {
    throw new UsageError('give --at OFFSET or --now ISO, not both: both name the instant of the run');
  }
  const loaded = loadScenarioFile(scenarioFile);
  if (!loaded.scenario || hasErrors(loaded.diagnostics)) {
    printDiagnostics(loaded.diagnostics);
    return EXIT.usage;
  }
  const scenario = loaded.scenario;
  const variant = values.variant ?? 'base';
  requireVariant(scenario, variant);
  const at = instantInRun(values, scenario.start);
  const choices: ScenarioRunChoices = { ...(values.seed !== undefined ? { seed: values.seed } : {}), ...(values.format ? { format: values.format } : {}) };
  if (values.client !== undefined) return explainOwnRequest(values, values.client, scenario, variant, at, choices);
  if (!at) throw new UsageError('explain --scenario needs --at OFFSET (or --now ISO), for example --at 1m1s; or --client ID to explain a client\'s own request');
  const client = scenario.clients[0];
  const requestLine = values.request;
  const m = requestLine ? /^\s*([A-Za-z]+)\s+(https?:\/\/\S+)\s*$/.exec(requestLine) : undefined;
  if (requestLine && !m) throw new UsageError(`--request must be "METHOD absolute-URL", not '${requestLine}'`);
  if (!m && !client) throw new UsageError('the scenario has no client to copy a request from; give --request');
  const headers = withCookies([
    ...(m ? [] : (client?.request.headers ?? [])),
    ...values.header.map((h) => headerPair(h, '--header')),
  ], values.cookie);
  const input = {
    method: m ? (m[1] as string) : (client?.request.method ?? 'GET'),
    url: m ? (m[2] as string) : (client?.request.url ?? ''),
    headers,
    clientIp: values['client-ip'] ?? client?.ip ?? '198.51.100.10',
    atMs: at.ms,
    repeat: values.repeat,
  };
  const { result, diagnostics } = await explainInScenario(scenario, variant, input, choices);
  printDiagnostics(diagnostics);
  if (!result) return EXIT.usage;
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatExplain({ ...input, when: `at ${at.text} in ${scenario.id} (${variant})` }, result));
  return EXIT.ok;
}

/** `--client ID`: the client's own request, the first it sent at or after the instant (default its first). */
async function explainOwnRequest(
  values: ExplainValues,
  clientId: string,
  scenario: Scenario,
  variant: string,
  at: { ms: number; text: string } | undefined,
  choices: ScenarioRunChoices,
): Promise<number> {
  const { result, diagnostics } = await explainClientRequest(scenario, variant, { client: clientId, atMs: at?.ms ?? 0 }, choices);
  printDiagnostics(diagnostics);
  if (!result) return EXIT.usage;
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return EXIT.ok;
  }
  const client = scenario.clients.find((c) => c.id === clientId);
  const heading = { method: client?.request.method ?? 'GET', url: client?.request.url ?? '', clientIp: client?.ip ?? '', repeat: 0 };
  const when = `${at ? `(the first at or after ${at.text}) ` : ''}in ${scenario.id} (${variant})`;
  console.log(formatExplain({ ...heading, when }, result));
  return EXIT.ok;
}

/**
 * Options --scenario cannot honour, each refused with what to do instead (never dropped in silence):
 * the scenario's gateway and backends stand where --config and the scripted upstream would, and
 * --client's request is the one the client sent, so nothing may change it.
 */
function refuseWithScenario(values: ExplainValues): void {
  if (values.config.length > 0) {
    throw new UsageError('--config cannot be combined with --scenario: the scenario\'s gateway section is the config; drop --config, or drop --scenario to explain against the files');
  }
  for (const name of ['upstream-status', 'upstream-response-header'] as const) {
    const given = name === 'upstream-status' ? values[name] !== undefined : values[name].length > 0;
    if (given) throw new UsageError(`--${name} cannot be combined with --scenario: the scenario's backends answer; to script the upstream, use --config FILE… --request "METHOD URL" --${name} …`);
  }
  if (values.client === undefined) return;
  const changes: Array<[string, boolean]> = [
    ['request', values.request !== undefined],
    ['header', values.header.length > 0],
    ['cookie', values.cookie.length > 0],
    ['client-ip', values['client-ip'] !== undefined],
    ['repeat', values.repeat > 0],
  ];
  const changed = changes.find(([, given]) => given)?.[0];
  if (changed) {
    throw new UsageError(`--${changed} cannot be combined with --client: --client explains the request the client really sent; to send a changed request at that instant, drop --client and give --at with --request, -H, --cookie, --client-ip or --repeat`);
  }
}

/** The instant of the run from --at (an offset) or --now (an ISO instant at or after the start). */
function instantInRun(values: ExplainValues, start: number): { ms: number; text: string } | undefined {
  if (values.at !== undefined) {
    const ms = parseDuration(values.at);
    if (ms === undefined || ms < 0) throw new UsageError(`--at takes a Go duration from the scenario's start, e.g. 59s or 1m1s, not '${values.at}'`);
    return { ms, text: values.at };
  }
  if (values.now === undefined) return undefined;
  const now = instant(values.now);
  if (now < start) {
    throw new UsageError(`--now ${values.now} is before the scenario's start (${formatIsoInstant(start).replace('.000Z', 'Z')}); give an instant at or after it, or --at OFFSET`);
  }
  return { ms: now - start, text: values.now };
}

function instant(text: string): number {
  const now = parseIsoInstant(text);
  if (now === undefined) throw new UsageError(`--now must be an ISO-8601 UTC instant like ${DEFAULT_NOW}, not '${text}'`);
  return now;
}

/**
 * The cookies in one Cookie header, as a browser sends them (RFC 6265 §5.4): added to a Cookie header
 * the request has already (from -H or the scenario's client), else a new one.
 */
function withCookies(headers: Array<[string, string]>, cookies: readonly string[]): Array<[string, string]> {
  if (cookies.length === 0) return headers;
  const at = headers.findIndex(([n]) => n.toLowerCase() === 'cookie');
  if (at < 0) return [...headers, ['Cookie', cookies.join('; ')]];
  const out = [...headers];
  const [name, value] = out[at] as [string, string];
  out[at] = [name, [value, ...cookies].join('; ')];
  return out;
}

function headerPair(text: string, flag: string): [string, string] {
  const at = text.indexOf(':');
  if (at <= 0) throw new UsageError(`${flag} takes "Name: value", not '${text}'`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}
