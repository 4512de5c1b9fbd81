/**
 * Runs one variant of a loaded scenario end to end: patch, load the gateway config, simulate, and
 * check the expectations. The CLI, the lab's worker and the tests all go through here.
 */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../core/errors.ts';
import { loadGateway } from '../../config/load-gateway.ts';
import type { GatewayIR } from '../../config/ir.ts';
import { applyVariant } from '../../scenario/load.ts';
import { evaluateExpectations, type ExpectationResult } from '../../scenario/expect.ts';
import type { GatewaySpec, Scenario } from '../../scenario/types.ts';
import type { TraceEvent, TraceLevel } from '../../trace/events.ts';
import { summarizeClients, type ClientSummary } from '../../trace/summary.ts';
import { simulate } from './simulate.ts';
import { ClientTally } from './client-tally.ts';

export interface VariantRun {
  name: string;
  /** Set when the variant could not run; everything below is then empty. */
  diagnostics: Diagnostic[];
  traceHash: string;
  requests: number;
  events: TraceEvent[];
  clients: ClientSummary[];
  expectations: ExpectationResult[];
}

export interface RunOptions {
  level?: TraceLevel;
  seed?: number;
  keepEvents?: boolean;
  /**
   * Receives the trace while the run goes, in order, in slices of at least `streamEvery` events that
   * each end on a complete instant; the last slice comes before runVariant returns. Together the
   * slices are exactly `events`, and the trace, its hash and the results do not change. Needs the
   * events kept (the default); ignored with keepEvents false.
   */
  onEvents?: (events: readonly TraceEvent[]) => void;
  /**
   * With `onEvents` (and keepEvents not false): hand the trace over without keeping it, for a caller
   * that keeps its own form of it (the lab's worker). The slices are the same and the hash is
   * unchanged; `events` is then [] and `clients` is summarised from the streamed request.end events
   * (the same summary). A variant that has expectations keeps its events anyway, since they are
   * measured over the whole trace, and returns exactly what it would without this option.
   * No effect without `onEvents`.
   */
  streamOnly?: boolean;
  /**
   * Instead of `onEvents`: each event as the engine emits it, for a listener that is done with the
   * event when it returns (the lab's worker encodes it there). Implies streamOnly, and more: the
   * engine may hand the listener one object refilled (trace/sink.ts, `retainsEvents`), so no event
   * outlives its call. A variant with expectations keeps its events (fresh objects, as with
   * `onEvents`) and hands each over from its slices.
   */
  onEvent?: (event: TraceEvent) => void;
  /** Events per streamed slice (default 20,000). */
  streamEvery?: number;
  /**
   * false: no trace hash during the run (`traceHash` is ''). For a caller that keeps the events and
   * hashes them itself once the run is delivered (the lab's worker: `traceHash(events)` gives the
   * same digest, test/scenarios/hash-after-run.test.ts), so the hash is off the run's critical path.
   */
  hash?: boolean;
}

const DEFAULT_STREAM_EVERY = 20_000;

/** Thrown inside a run when a config event's gateway does not load; caught and reported by runVariant. */
class ConfigLoadFailure extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

function adapt(spec: GatewaySpec, warnings: Diagnostic[]): GatewayIR {
  const loaded = loadGateway(spec);
  warnings.push(...loaded.diagnostics.filter((d) => d.severity === 'warning'));
  if (!loaded.ir || hasErrors(loaded.diagnostics)) throw new ConfigLoadFailure(loaded.diagnostics);
  return loaded.ir;
}

export async function runVariant(base: Scenario, variant: string, opts: RunOptions = {}): Promise<VariantRun> {
  const empty = { traceHash: '', requests: 0, events: [], clients: [], expectations: [] };
  const patched = variant === 'base' ? { scenario: base, diagnostics: [] } : applyVariant(base, variant);
  if (!patched.scenario || hasErrors(patched.diagnostics)) {
    return { name: variant, diagnostics: patched.diagnostics, ...empty };
  }
  const scenario = patched.scenario;
  const diagnostics: Diagnostic[] = [...patched.diagnostics];
  // Load the first config eagerly so a broken one is reported before any simulation work.
  const first = loadGateway(scenario.gateway);
  if (!first.ir || hasErrors(first.diagnostics)) return { name: variant, diagnostics: [...diagnostics, ...first.diagnostics], ...empty };
  diagnostics.push(...first.diagnostics);
  let initial: GatewayIR | undefined = first.ir;
  const each = opts.keepEvents === false ? undefined : opts.onEvent;
  const listener = opts.keepEvents === false ? undefined : (opts.onEvents ?? (each && ((events: readonly TraceEvent[]) => { for (const e of events) each(e); })));
  // Expectations are measured over the whole trace, so a variant with any (evaluateExpectations'
  // filter) keeps its events even with streamOnly.
  const dropStreamed = listener !== undefined && (opts.streamOnly === true || each !== undefined) && !scenario.expect.some((e) => !e.variants || e.variants.includes(variant));
  // Without kept events the client summary is counted from the request.end events as they go by
  // (the same result as summarizeClients over them; no event is held to the run's end).
  const tally = new ClientTally();
  let streamed = 0;
  const stream = listener && {
    every: Math.max(1, opts.streamEvery ?? DEFAULT_STREAM_EVERY),
    onEvents: (events: readonly TraceEvent[]) => {
      streamed += events.length;
      if (dropStreamed) for (const e of events) if (e.type === 'request.end') tally.add(e);
      listener(events);
    },
    // Nothing kept: each event straight from the sink, which may be a refilled object (read it now).
    ...(each && dropStreamed ? { onEvent: (e: TraceEvent) => { if (e.type === 'request.end') tally.add(e); each(e); } } : {}),
  };
  try {
    const result = await simulate(scenario, {
      variant,
      level: opts.level ?? 'full',
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      keepEvents: opts.keepEvents ?? true,
      ...(opts.hash === false ? { hash: false } : {}),
      ...(stream ? { stream } : {}),
      ...(dropStreamed ? { streamOnly: true } : {}),
      adapt: (spec) => {
        if (spec === scenario.gateway && initial) {
          const ir = initial;
          initial = undefined;
          return ir;
        }
        return adapt(spec, diagnostics);
      },
    });
    // The sink hands over slices while the clock moves; what the last instants kept is sent here.
    if (dropStreamed && stream) {
      // The sink kept only the tail it had not handed over. No expectation applies to this variant.
      if (result.events.length > 0) stream.onEvents(result.events);
      return { name: variant, diagnostics, traceHash: result.traceHash, requests: result.requests, events: [], clients: tally.summaries(), expectations: [] };
    }
    if (stream && streamed < result.events.length) stream.onEvents(result.events.slice(streamed));
    const expectations = opts.keepEvents === false ? [] : evaluateExpectations(scenario.expect, result.events, variant, scenario);
    return {
      name: variant,
      diagnostics,
      traceHash: result.traceHash,
      requests: result.requests,
      events: result.events,
      clients: summarizeClients(result.events),
      expectations,
    };
  } catch (e) {
    if (e instanceof ConfigLoadFailure) return { name: variant, diagnostics: [...diagnostics, ...e.diagnostics], ...empty };
    throw e;
  }
}
