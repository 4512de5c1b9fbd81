/**
 * `gatelab serve` subscribes the access log and the metrics to the event types they read only
 * (ACCESS_LOG_EVENT_TYPES, METRICS_EVENT_TYPES; LiveSink.subscribe's `types`). Pinned here: over the
 * full traces of scenarios that exercise breakers, retries, ejections, mirrors and replicas, a
 * builder and a registry fed only those types give exactly what they give when fed every event — so
 * a type one of them starts reading cannot be left out of its list unnoticed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../scenario/load.ts';
import { runVariant } from '../runtimes/sim/run-scenario.ts';
import type { TraceEvent } from '../trace/events.ts';
import { ACCESS_LOG_EVENT_TYPES, AccessLogBuilder } from './access-log.ts';
import { formatAccessJson } from './access-log-format.ts';
import { METRICS_EVENT_TYPES, MetricsRegistry } from './metrics.ts';

const SCENARIOS = [
  'scenarios/resilience/circuit-breaker-states.yaml',
  'scenarios/resilience/retry-storm.yaml',
  'scenarios/resilience/outlier-ejection.yaml',
  'scenarios/canary/shadow-traffic.yaml',
  'scenarios/capacity/deploy-502-blip.yaml',
  'scenarios/capacity/kong-bottleneck.yaml',
  'scenarios/auth/auth-at-the-edge.yaml',
];

async function traceOf(file: string): Promise<TraceEvent[]> {
  const path = resolve(file);
  const loaded = loadScenarioText(readFileSync(path, 'utf8'), path, (p) => readFileSync(p, 'utf8'));
  if (!loaded.scenario) throw new Error(`${file}: ${loaded.diagnostics.map((d) => d.message).join('\n')}`);
  return (await runVariant(loaded.scenario, 'base', { level: 'full' })).events;
}

function accessLines(events: readonly TraceEvent[]): string[] {
  const builder = new AccessLogBuilder(0);
  const lines: string[] = [];
  for (const e of events) {
    const r = builder.add(e);
    if (r) lines.push(formatAccessJson(r));
  }
  return lines;
}

function exposition(events: readonly TraceEvent[]): string {
  const m = new MetricsRegistry();
  for (const e of events) m.add(e);
  return m.exposition();
}

describe('the event types serve routes to the access log and the metrics', () => {
  for (const file of SCENARIOS) {
    it(`lose nothing: ${file}`, async () => {
      const events = await traceOf(file);
      const types = new Set(events.map((e) => e.type));
      const forLog = new Set<string>(ACCESS_LOG_EVENT_TYPES);
      const forMetrics = new Set<string>(METRICS_EVENT_TYPES);
      // The trace holds more than the lists, so the comparison below leaves something out.
      expect([...types].some((t) => !forLog.has(t) && !forMetrics.has(t))).toBe(true);
      const log = accessLines(events);
      expect(log.length).toBeGreaterThan(0);
      expect(accessLines(events.filter((e) => forLog.has(e.type)))).toEqual(log);
      expect(exposition(events.filter((e) => forMetrics.has(e.type)))).toBe(exposition(events));
    }, 60_000);
  }
});
