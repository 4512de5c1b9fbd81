/**
 * explain against a scenario's run. Two questions:
 * - "what would happen to this request now?" (`explainInScenario`): one more client sends the probe
 *   request(s) at `atMs`; they meet the counters, buckets, breakers and (with a capacity model) the
 *   replicas' slots and CPU as the traffic left them, and are told from the trace;
 * - "what happened to the request client X sent at T?" (`explainClientRequest`): the client's first
 *   request sent at or after `atMs` is followed through the run and told from the trace.
 */
import type { Diagnostic } from '../../core/errors.ts';
import { hasErrors } from '../../core/errors.ts';
import type { Dialect } from '../../config/ir.ts';
import { loadGateway } from '../../config/load-gateway.ts';
import type { ClientSpec, GatewaySpec, Scenario } from '../../scenario/types.ts';
import { applyVariant } from '../../scenario/load.ts';
import type { ExplainInput, ExplainResult } from './explain.ts';
import { PROBE_CLIENT } from './explain-probe.ts';
import { recordedExplainResult } from './explain-recorded.ts';
import { clientSchedules } from './schedule.ts';
import { simulate } from './simulate.ts';
import type { SimOptions } from './sim-types.ts';

export interface ScenarioProbe extends Pick<ExplainInput, 'method' | 'url' | 'headers' | 'clientIp'> {
  atMs: number;
  /** Identical requests sent first, at the same instant (they queue and count like any). */
  repeat?: number;
}

/** What the command line may change about the run: the seed, and the dialect of its gateway configs. */
export interface ScenarioRunChoices {
  seed?: number;
  /** Read every gateway config of the scenario as this dialect (an error where it declares another). */
  format?: Dialect;
}

interface ExplainOutput {
  result?: ExplainResult;
  diagnostics: Diagnostic[];
}

export async function explainInScenario(base: Scenario, variant: string, probe: ScenarioProbe, choices: ScenarioRunChoices = {}): Promise<ExplainOutput> {
  const ready = prepare(base, variant, choices);
  if (!ready.run) return { diagnostics: ready.diagnostics };
  // The probe is one more client of the run, sending its request(s) at `atMs`: it crosses the
  // client-to-gateway network, the front balancer picks its replica in turn, and its answer comes back
  // over the network, exactly as for the scenario's own clients (whose arrivals it does not move:
  // each client draws its schedule from its own stream).
  const client = probeClient(ready.scenario, probe);
  const count = (probe.repeat ?? 0) + 1;
  const scenario: Scenario = { ...ready.scenario, clients: [...ready.scenario.clients, client] };
  const id = `${client.id}-${count}`;
  const run = await simulate(scenario, { ...ready.run, probe: { kind: 'watch', requestId: id } });
  const recorded = recordedExplainResult(run.events, id, client.id, probe.atMs);
  if (!recorded) return { diagnostics: [usage(`the probe at ${probe.atMs} ms did not complete before the run ended`, 'choose an earlier --at')] };
  // `request` is for --client, which explains a request the scenario's own client sent.
  const { request: _ownRequest, ...result } = recorded;
  return { result, diagnostics: ready.diagnostics };
}

/** The client that sends the probe: `probe` (ids probe-1 …) unless the scenario has a client by that name. */
function probeClient(scenario: Scenario, probe: ScenarioProbe): ClientSpec {
  const taken = new Set(scenario.clients.map((c) => c.id));
  let id = PROBE_CLIENT;
  for (let n = 2; taken.has(id); n++) id = `${PROBE_CLIENT}${n}`;
  return {
    id,
    ip: probe.clientIp,
    request: { method: probe.method, url: probe.url, headers: probe.headers },
    traffic: [{ kind: 'burst', atMs: probe.atMs, count: (probe.repeat ?? 0) + 1, spacingMs: 0 }],
  };
}

/** The client's first request sent at or after `atMs`, as the run treated it. */
export async function explainClientRequest(base: Scenario, variant: string, pick: { client: string; atMs: number }, choices: ScenarioRunChoices = {}): Promise<ExplainOutput> {
  const ready = prepare(base, variant, choices);
  if (!ready.run) return { diagnostics: ready.diagnostics };
  const scenario = ready.scenario;
  const ids = scenario.clients.map((c) => c.id);
  if (!ids.includes(pick.client)) {
    return { diagnostics: [usage(`no client '${pick.client}' in ${scenario.file}${variant === 'base' ? '' : ` (variant ${variant})`}`, `the clients are ${ids.join(', ')}`)] };
  }
  const seed = choices.seed ?? scenario.seed;
  const times = clientSchedules(scenario, seed).find((s) => s.client.id === pick.client)?.times ?? [];
  const n = times.findIndex((t) => t >= pick.atMs);
  if (n < 0) {
    const lastAt = times.length > 0 ? `its last is sent at ${times[times.length - 1]} ms` : 'it sends none';
    return { diagnostics: [usage(`client '${pick.client}' sends no request at or after ${pick.atMs} ms (${lastAt})`, 'choose an earlier --at')] };
  }
  const id = `${pick.client}-${n + 1}`;
  const run = await simulate(scenario, { ...ready.run, probe: { kind: 'watch', requestId: id } });
  const result = recordedExplainResult(run.events, id, pick.client, times[n] as number);
  if (!result) return { diagnostics: [usage(`request ${id} did not end before the run did`, 'choose an earlier --at')] };
  return { result, diagnostics: ready.diagnostics };
}

type Prepared =
  | { run: Omit<SimOptions, 'probe'>; scenario: Scenario; diagnostics: Diagnostic[] }
  | { run?: undefined; diagnostics: Diagnostic[] };

/** The variant applied, the gateway loaded (once, for the initial config), the run's options. */
function prepare(base: Scenario, variant: string, choices: ScenarioRunChoices): Prepared {
  const patched = variant === 'base' ? { scenario: base, diagnostics: [] } : applyVariant(base, variant);
  if (!patched.scenario || hasErrors(patched.diagnostics)) return { diagnostics: patched.diagnostics };
  const scenario = patched.scenario;
  const format = choices.format;
  if (format) {
    const clash = gatewaySpecs(scenario).find((s) => s.format !== undefined && s.format !== format);
    if (clash) {
      return { diagnostics: [usage(`--format ${format} disagrees with the scenario's gateway.format ${clash.format}`, 'drop --format: the scenario names its dialect')] };
    }
  }
  const withFormat = (spec: GatewaySpec): GatewaySpec => (format && !spec.format ? { ...spec, format } : spec);
  const gateway = loadGateway(withFormat(scenario.gateway));
  if (!gateway.ir || hasErrors(gateway.diagnostics)) return { diagnostics: gateway.diagnostics };
  const ir = gateway.ir;
  return {
    scenario,
    diagnostics: gateway.diagnostics,
    run: {
      variant,
      level: 'full',
      ...(choices.seed !== undefined ? { seed: choices.seed } : {}),
      adapt: (spec) => (spec === scenario.gateway ? ir : (loadGateway(withFormat(spec)).ir ?? ir)),
    },
  };
}

/** Every gateway config the run may load: the initial one and those of config and deploy events. */
function gatewaySpecs(scenario: Scenario): GatewaySpec[] {
  const out = [scenario.gateway];
  for (const ev of scenario.events) if ((ev.kind === 'config' || ev.kind === 'deploy') && ev.gateway) out.push(ev.gateway);
  return out;
}

function usage(message: string, hint: string): Diagnostic {
  return { severity: 'error', code: 'GL_E_USAGE', message, hint };
}
