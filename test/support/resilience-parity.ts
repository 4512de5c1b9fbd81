/**
 * The resilience parity harness: one config, one request sequence at the same clock instants, run
 * through the simulation's explain session (upstreams scripted per target with upstreamByTarget) and
 * through the real ProxyServer (a mutable clock, real upstreams on 127.0.0.1 answering the same
 * script). Each request is observed the same way on both sides: status, which hosts the balancer
 * tried (the `balancer` decisions), which host answered, a few response headers and the reasons of
 * chosen stages.
 */
import { Agent, request } from 'undici';
import type { Dialect, GatewayIR } from '../../engine/config/ir.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { formatDiagnostic, hasErrors } from '../../engine/core/errors.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession, type ExplainDecision } from '../../engine/runtimes/sim/explain.ts';
import type { PluginDecisionEvent } from '../../engine/trace/events.ts';
import { UPSTREAM_NAME_HEADER, type ScriptedUpstream } from './scripted-upstream.ts';

/** Both hosts start at 12:00:05 UTC; steps give their instant as an offset from here. */
export const T0 = Date.parse('2026-01-01T12:00:05Z');
/** The proxy takes each request's id from this header, so keyed draws (canary, backoff) match the sim. */
export const ID_HEADER = 'x-request-id';
const SEED = 1;

export interface Step {
  /** Milliseconds after T0; default: the previous step's instant. */
  at?: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Status per upstream name from this step on (the others keep theirs; all start at 200). */
  answers?: Record<string, number>;
  /** Upstreams that refuse connections from this step on. */
  down?: string[];
  /** Upstreams that listen again from this step on. */
  up?: string[];
  /** Upstreams that read the request and drop the connection from this step on (until `answers` names them). */
  reset?: string[];
}

export interface Outcome {
  status: number;
  /** Upstream names in the order the balancer sent this request to them. */
  tried: string[];
  /** The upstream whose answer the client got, or null when the gateway answered itself. */
  answeredBy: string | null;
  /** The response headers the case compares. */
  headers: Record<string, string | undefined>;
  /** Reasons of the stages the case compares, in order. */
  reasons: string[];
}

export interface Observe {
  /** Response headers to compare (lower case). */
  headers?: string[];
  /** Stages (plugin ids) whose decision reasons must read the same on both hosts. */
  reasonsOf?: string[];
}

export function loadIr(format: Dialect, text: string): GatewayIR {
  const parsed = parseYaml(text, `resilience-${format}.yaml`);
  const loaded = loadGateway({ format, sources: [{ file: `resilience-${format}.yaml`, docs: parsed.docs }], overlays: [] });
  const all = [...parsed.diagnostics, ...loaded.diagnostics];
  if (!loaded.ir || hasErrors(all)) throw new Error(all.map(formatDiagnostic).join('\n'));
  return loaded.ir;
}

type Scripted = number | 'refused' | 'reset';

/** What each upstream does at each step: a status, refused, or reset after reading the request. */
function scriptOf(steps: readonly Step[], upstreams: Record<string, ScriptedUpstream>): Array<Record<string, Scripted>> {
  const status: Record<string, number> = Object.fromEntries(Object.keys(upstreams).map((n) => [n, 200]));
  const down = new Set(Object.values(upstreams).filter((u) => !u.listening).map((u) => u.name));
  const resetting = new Set<string>();
  return steps.map((s) => {
    Object.assign(status, s.answers ?? {});
    for (const n of Object.keys(s.answers ?? {})) resetting.delete(n);
    for (const n of s.reset ?? []) resetting.add(n);
    for (const n of s.down ?? []) down.add(n);
    for (const n of s.up ?? []) down.delete(n);
    return Object.fromEntries(Object.keys(upstreams).map((n) => [n, down.has(n) ? 'refused' : resetting.has(n) ? 'reset' : (status[n] as number)]));
  });
}

function instants(steps: readonly Step[]): number[] {
  let at = 0;
  return steps.map((s) => (at = s.at ?? at) + T0);
}

type DecisionLike = Pick<ExplainDecision, 'plugin' | 'reason' | 'data'>;

function fromDecisions(decisions: readonly DecisionLike[], names: ReadonlyMap<string, string>, observe: Observe): Pick<Outcome, 'tried' | 'reasons'> {
  const tried = decisions
    .filter((d) => d.plugin === 'balancer' && typeof d.data?.['target'] === 'string')
    .map((d) => names.get(d.data?.['target'] as string) ?? `? ${String(d.data?.['target'])}`);
  const reasons = decisions.filter((d) => observe.reasonsOf?.includes(d.plugin)).map((d) => `${d.plugin}: ${d.reason}`);
  return { tried, reasons };
}

function pickHeaders(all: Record<string, unknown>, observe: Observe): Record<string, string | undefined> {
  return Object.fromEntries(
    (observe.headers ?? []).map((h) => {
      const v = all[h];
      return [h, v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v)];
    }),
  );
}

const idOf = (label: string, i: number): string => `${label}-${i + 1}`;

/** The sequence through the explain session (a fresh gateway replica, the virtual clock). */
export async function runSim(ir: GatewayIR, label: string, steps: readonly Step[], upstreams: Record<string, ScriptedUpstream>, observe: Observe = {}): Promise<Outcome[]> {
  const names = new Map(Object.values(upstreams).map((u) => [u.target, u.name]));
  const script = scriptOf(steps, upstreams);
  const at = instants(steps);
  const session = createExplainSession(ir, SEED);
  const out: Outcome[] = [];
  for (const [i, step] of steps.entries()) {
    const id = idOf(label, i);
    const byTarget: Record<string, Scripted> = {};
    for (const [name, what] of Object.entries(script[i] as Record<string, Scripted>)) byTarget[(upstreams[name] as ScriptedUpstream).target] = what;
    const result = await session.send(
      {
        method: step.method ?? 'GET',
        url: `http://api.example.com${step.path}`,
        headers: [...Object.entries(step.headers ?? {}), [ID_HEADER, id]],
        clientIp: '127.0.0.1',
        now: at[i] as number,
        seed: SEED,
        repeat: 0,
        upstreamStatus: 200,
        upstreamHeaders: [],
        upstreamByTarget: byTarget,
      },
      id,
    );
    const seen = fromDecisions(result.decisions, names, observe);
    // A scripted host that listens answers unless it resets: the last host tried answered, unless it failed.
    const last = seen.tried.at(-1);
    const answeredBy = last !== undefined && typeof script[i]?.[last] === 'number' ? last : null;
    out.push({ status: result.status, ...seen, answeredBy, headers: pickHeaders(result.response.headers, observe) });
  }
  return out;
}

/** The same sequence through the real proxy on 127.0.0.1, its clock set to each step's instant. */
export async function runProxy(ir: GatewayIR, label: string, steps: readonly Step[], upstreams: Record<string, ScriptedUpstream>, observe: Observe = {}): Promise<Outcome[]> {
  const names = new Map(Object.values(upstreams).map((u) => [u.target, u.name]));
  const at = instants(steps);
  let clock = at[0] ?? T0;
  const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => clock), now: () => clock, requestIdHeader: ID_HEADER, seed: SEED, level: 'decisions' });
  const agent = new Agent({ connections: 8 });
  await proxy.start();
  const out: Outcome[] = [];
  try {
    for (const [i, step] of steps.entries()) {
      const id = idOf(label, i);
      for (const [name, status] of Object.entries(step.answers ?? {})) Object.assign(upstreams[name] as ScriptedUpstream, { status, reset: false });
      for (const name of step.reset ?? []) (upstreams[name] as ScriptedUpstream).reset = true;
      for (const name of step.down ?? []) await (upstreams[name] as ScriptedUpstream).close();
      for (const name of step.up ?? []) await (upstreams[name] as ScriptedUpstream).reopen();
      clock = at[i] as number;
      const res = await request(`http://127.0.0.1:${proxy.port}${step.path}`, {
        method: (step.method ?? 'GET') as 'GET',
        headers: { host: 'api.example.com', ...(step.headers ?? {}), [ID_HEADER]: id },
        dispatcher: agent,
      });
      await res.body.text();
      const decisions = proxy.sink
        .recent()
        .filter((e): e is PluginDecisionEvent => e.type === 'plugin.decision' && e.req === id)
        .map((e) => ({ plugin: e.plugin, reason: e.reason, ...(e.data ? { data: e.data } : {}) }));
      const who = res.headers[UPSTREAM_NAME_HEADER];
      out.push({
        status: res.statusCode,
        ...fromDecisions(decisions, names, observe),
        answeredBy: typeof who === 'string' ? who : null,
        headers: pickHeaders(res.headers, observe),
      });
    }
  } finally {
    await proxy.drain(1000);
    await agent.close();
  }
  return out;
}

/** One line per step, so a mismatch shows where the two hosts part ways. */
export function describeRun(outcomes: readonly Outcome[]): string[] {
  return outcomes.map((o, i) => `#${i + 1} ${o.status} tried [${o.tried.join(' ')}] answered by ${o.answeredBy ?? 'the gateway'}`);
}
