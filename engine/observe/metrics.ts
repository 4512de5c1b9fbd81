/**
 * Prometheus text exposition (format 0.0.4, semantics §11) derived from trace events, shared by both
 * hosts: requests by service, route and status, and latency histograms split like Kong's into the
 * gateway's own time, the upstream's time and the whole request; and the resilience machinery: state
 * machine moves and current states (breakers, ejections, rollouts), retries and pool overflows; the
 * copies a mirror sent, per service and code, as Envoy counts shadows in the mirror cluster; and,
 * with a capacity model, each replica's load from its latest `replica.queue` sample and its OOM kills.
 */
import type { CopyEndEvent, ReplicaQueueEvent, TraceEvent, TraceEventType } from '../trace/events.ts';

/**
 * Kong's bucket bounds (semantics §11: kong_latency for the gateway's own time, the other for upstream
 * and whole-request time), converted to seconds: Kong names these `kong_*_latency_ms`, but promtool's
 * lint insists on base units, so gatelab exposes the same bounds as `_seconds`.
 */
const GATEWAY_BUCKETS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000].map((ms) => ms / 1000);
const REQUEST_BUCKETS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000].map((ms) => ms / 1000);

/**
 * Observations per bucket, each counted once in the first bucket it fits (cumulative counts are
 * summed at exposition time): one increment per observation instead of one per bucket above it.
 */
class Histogram {
  private readonly perBucket: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.perBucket = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    const buckets = this.buckets;
    for (let i = 0; i < buckets.length; i++) {
      if (v <= (buckets[i] as number)) {
        this.perBucket[i]!++;
        return;
      }
    }
  }
  /** Prometheus' `le` counts: observations at or below each bound. */
  cumulative(): number[] {
    let running = 0;
    return this.perBucket.map((n) => (running += n));
  }
}

interface RequestSeries {
  service: string;
  route: string;
  status: number;
  source: string;
  requestLabels: string;
  /** Requests counted in this series: kept here, not in a map by label string, so counting is one increment. */
  requests: number;
  kong: Histogram;
  upstream?: Histogram;
  request: Histogram;
}

/**
 * The only event types MetricsRegistry.add reads (the branches at its top): a live host may send it
 * just these (LiveSink.subscribe's `types`).
 */
export const METRICS_EVENT_TYPES = ['breaker.transition', 'plugin.decision', 'copy.end', 'replica.queue', 'request.end'] as const satisfies readonly TraceEventType[];

export class MetricsRegistry {
  private readonly latency = new Map<string, Histogram>();
  private readonly gauges = new Map<string, { help: string; samples: Map<string, number> }>();
  private readonly transitions = new Map<string, number>();
  /** The current state of every machine and subject: `machine, subject, replica` → state. */
  private readonly machineState = new Map<string, { labels: Record<string, string>; state: string }>();
  private readonly retries = new Map<string, number>();
  private readonly overflows = new Map<string, number>();
  /** The latest `replica.queue` sample of each replica. */
  private readonly replicaLoad = new Map<string, ReplicaQueueEvent>();
  private readonly oomKills = new Map<string, number>();
  /** Mirror copies by the service they went to and the code Envoy's router charges for them. */
  private readonly copies = new Map<string, number>();
  /**
   * The label string and histograms of each (service, route, code, source) seen, found by one
   * plain key: building label strings (escaping included) for every request was most of the cost
   * of keeping metrics in `gatelab serve`.
   */
  private readonly requestSeries = new Map<string, RequestSeries>();
  /** The series the previous request.end went to. */
  private lastSeries?: RequestSeries;

  /** A gauge the host knows and the trace does not (open connections, tracked limiter keys). */
  setGauge(name: string, help: string, labelSet: Record<string, string>, value: number): void {
    let g = this.gauges.get(name);
    if (!g) this.gauges.set(name, (g = { help, samples: new Map() }));
    g.samples.set(labels(labelSet), value);
  }

  add(e: TraceEvent): void {
    if (e.type === 'breaker.transition') return this.addTransition(e);
    if (e.type === 'plugin.decision') return this.addDecision(e);
    if (e.type === 'copy.end') return this.addCopy(e);
    if (e.type === 'replica.queue') {
      this.replicaLoad.set(e.replica, e);
      return;
    }
    if (e.type !== 'request.end') return;
    const service = e.service ?? '';
    const route = e.route ?? '';
    const source = e.source === 'upstream' ? 'service' : 'kong';
    let series = this.lastSeries;
    // A proxy under load ends request after request on the same series: skip building its key then.
    if (series === undefined || series.status !== e.status || series.service !== service || series.route !== route || series.source !== source) {
      series = this.seriesOf(service, route, e.status, source);
      this.lastSeries = series;
    }
    series.requests++;
    series.kong.observe(e.gatewayMs / 1000);
    // Made on first use only: a route no request of which reached an upstream shows no such series.
    if (e.upstreamMs !== null) (series.upstream ??= this.hist('upstream', service, route, REQUEST_BUCKETS)).observe(e.upstreamMs / 1000);
    series.request.observe(e.ms / 1000);
  }

  private seriesOf(service: string, route: string, status: number, source: string): RequestSeries {
    const seriesKey = `${service}\u0000${route}\u0000${status}\u0000${source}`;
    let series = this.requestSeries.get(seriesKey);
    if (!series) {
      series = {
        service,
        route,
        status,
        source,
        requestLabels: labels({ service, route, code: String(status), source }),
        requests: 0,
        kong: this.hist('kong', service, route, GATEWAY_BUCKETS),
        request: this.hist('request', service, route, REQUEST_BUCKETS),
      };
      this.requestSeries.set(seriesKey, series);
    }
    return series;
  }

  private addTransition(e: Extract<TraceEvent, { type: 'breaker.transition' }>): void {
    const key = labels({ machine: e.machine, from: e.from, to: e.to });
    this.transitions.set(key, (this.transitions.get(key) ?? 0) + 1);
    const subject = { machine: e.machine, subject: e.subject, replica: e.replica };
    this.machineState.set(labels(subject), { labels: subject, state: e.to });
    if (e.machine === 'replica' && e.to === 'oom-killed') {
      const key = labels({ replica: e.subject });
      this.oomKills.set(key, (this.oomKills.get(key) ?? 0) + 1);
    }
  }

  private addDecision(e: Extract<TraceEvent, { type: 'plugin.decision' }>): void {
    const service = typeof e.data?.['service'] === 'string' ? e.data['service'] : '';
    if (e.plugin === 'retry' && typeof e.data?.['on'] === 'string') {
      const key = labels({ on: e.data['on'] });
      this.retries.set(key, (this.retries.get(key) ?? 0) + 1);
    } else if (e.plugin === 'connection-pool' && e.verdict === 'reply') {
      const key = labels({ limit: String(e.data?.['limit'] ?? ''), service });
      this.overflows.set(key, (this.overflows.get(key) ?? 0) + 1);
    }
  }

  /**
   * Envoy counts a shadow in its cluster's upstream stats like any upstream request (upstream_rq_total,
   * upstream_rq_<code>; an aborted one is charged 504 on timeout, 503 on reset — router.cc
   * chargeUpstreamAbort), and nowhere downstream: no request counter, no access-log line.
   */
  private addCopy(e: CopyEndEvent): void {
    const code = e.error === undefined ? e.status : e.error === 'timeout' ? 504 : 503;
    const key = labels({ service: e.service, code: String(code) });
    this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
  }

  private resilience(out: string[]): void {
    const counter = (name: string, help: string, samples: Map<string, number>): void => {
      if (samples.size === 0) return;
      out.push(helpLine(name, help));
      out.push(`# TYPE ${name} counter`);
      for (const [l, n] of [...samples].sort()) out.push(`${name}{${l}} ${n}`);
    };
    counter('gatelab_machine_transitions_total', 'State machine moves: breakers opening and closing, hosts ejected and returned, rollout steps.', this.transitions);
    counter('gatelab_upstream_retries_total', 'Retries the gateway made, by the retry-on condition that matched.', this.retries);
    counter('gatelab_upstream_overflow_total', 'Requests answered 503 because a connection-pool limit was full (Envoy flag UO).', this.overflows);
    counter('gatelab_upstream_shadow_requests_total', 'Mirror copies (shadows) sent to a service, by the code its answer was counted with (504 timed out, 503 refused or reset); never in gatelab_http_requests_total.', this.copies);
    counter('gatelab_replica_oom_kills_total', 'Gateway replicas OOM-killed because the memory of the requests they held passed the limit.', this.oomKills);
    if (this.machineState.size === 0) return;
    out.push('# HELP gatelab_machine_state 1 for the state each machine and subject is in now, 0 for the states it was in before.');
    out.push('# TYPE gatelab_machine_state gauge');
    const seen = new Map<string, Set<string>>();
    for (const [l] of this.transitions) {
      const m = /machine="([^"]*)",from="([^"]*)",to="([^"]*)"/.exec(l);
      if (!m) continue;
      const states = seen.get(m[1] as string) ?? new Set<string>();
      states.add(m[2] as string).add(m[3] as string);
      seen.set(m[1] as string, states);
    }
    for (const [, { labels: base, state }] of [...this.machineState].sort(([a], [b]) => a.localeCompare(b))) {
      for (const s of [...(seen.get(base['machine'] as string) ?? [state])].sort()) {
        out.push(`gatelab_machine_state{${labels({ ...base, state: s })}} ${s === state ? 1 : 0}`);
      }
    }
  }

  /** Each replica's load at its latest `replica.queue` sample, in base units (ratio, bytes, seconds). */
  private capacity(out: string[]): void {
    if (this.replicaLoad.size === 0) return;
    const samples = [...this.replicaLoad.values()].sort((a, b) => a.replica.localeCompare(b.replica));
    const gauges: Array<[string, string, (e: ReplicaQueueEvent) => number]> = [
      ['gatelab_replica_cpu_utilization_ratio', 'CPU utilisation of the replica over its latest sample interval, 0 to 1 of its CPU limit.', (e) => e.cpu],
      ['gatelab_replica_cpu_backlog_seconds', 'CPU work waiting to run on the replica, in seconds of wall time.', (e) => e.cpuBacklogMs / 1000],
      ['gatelab_replica_memory_bytes', 'Memory the replica uses for its base and the requests it holds.', (e) => e.memory],
      ['gatelab_replica_slots_in_use', 'Requests in progress on the replica, each holding a slot.', (e) => e.slots],
      ['gatelab_replica_queue_length', 'Requests waiting for a slot on the replica.', (e) => e.queued],
    ];
    for (const [name, help, value] of gauges) {
      out.push(helpLine(name, help));
      out.push(`# TYPE ${name} gauge`);
      for (const e of samples) out.push(`${name}{${labels({ replica: e.replica })}} ${sampleValue(value(e))}`);
    }
  }

  private hist(kind: string, service: string, route: string, buckets: number[]): Histogram {
    const key = `${kind}\u0000${labels({ service, route })}`;
    let h = this.latency.get(key);
    if (!h) this.latency.set(key, (h = new Histogram(buckets)));
    return h;
  }

  exposition(): string {
    const out: string[] = [];
    out.push('# HELP gatelab_http_requests_total Requests by service, route, status and who answered.');
    out.push('# TYPE gatelab_http_requests_total counter');
    // The same pairs, sorted the same way, as when the counts were kept in a map by label string.
    const requests: Array<[string, number]> = [];
    for (const series of this.requestSeries.values()) if (series.requests > 0) requests.push([series.requestLabels, series.requests]);
    for (const [l, n] of requests.sort()) out.push(`gatelab_http_requests_total{${l}} ${n}`);
    const kinds: Array<[string, string]> = [
      ['kong', 'Time spent in the gateway itself (request time minus upstream time), in seconds.'],
      ['upstream', 'Time waiting for the upstream, in seconds.'],
      ['request', 'Whole request time as the gateway saw it, in seconds.'],
    ];
    for (const [kind, help] of kinds) {
      const name = `gatelab_${kind}_latency_seconds`;
      out.push(helpLine(name, help));
      out.push(`# TYPE ${name} histogram`);
      for (const [key, h] of [...this.latency].filter(([k]) => k.startsWith(`${kind}\u0000`)).sort()) {
        const l = key.slice(kind.length + 1);
        const counts = h.cumulative();
        h.buckets.forEach((b, i) => out.push(`${name}_bucket{${l},le="${b}"} ${counts[i]}`));
        out.push(`${name}_bucket{${l},le="+Inf"} ${h.count}`);
        out.push(`${name}_sum{${l}} ${sampleValue(h.sum)}`);
        out.push(`${name}_count{${l}} ${h.count}`);
      }
    }
    this.resilience(out);
    this.capacity(out);
    for (const [name, g] of [...this.gauges].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(helpLine(name, g.help));
      out.push(`# TYPE ${name} gauge`);
      for (const [l, v] of [...g.samples].sort()) out.push(l ? `${name}{${l}} ${sampleValue(v)}` : `${name} ${sampleValue(v)}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/**
 * `# HELP name text` with the text escaped as the 0.0.4 format requires (`\\` and `\n`, semantics
 * §11): a gauge's help comes from the host, and one line break in it would end the comment early.
 */
function helpLine(name: string, text: string): string {
  return `# HELP ${name} ${text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`;
}

/** A sample value as the format spells it: JavaScript's `Infinity` is `+Inf` there (semantics §11). */
function sampleValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function labels(l: Record<string, string>): string {
  return Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
