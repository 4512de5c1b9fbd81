/** `gatelab run --spans FILE`: every request's spans as OTLP/JSON, one file per variant when several ran. */
import { writeFileSync } from 'node:fs';
import { deriveSpans } from '../observe/tracing/spans.ts';
import { toOtlpJson, type OtlpTracesData } from '../observe/tracing/otlp.ts';
import type { TraceEvent } from '../trace/events.ts';

export function otlpOfRun(events: readonly TraceEvent[], startEpochMs: number): OtlpTracesData {
  const spans = [...deriveSpans(events).values()].flat();
  return toOtlpJson(spans, startEpochMs);
}

/** Writes FILE (one variant) or FILE.<variant>.json (several); returns the paths and span counts. */
export function writeSpans(file: string, runs: ReadonlyArray<{ name: string; events: readonly TraceEvent[] }>, startEpochMs: number): Array<{ path: string; spans: number }> {
  return runs.map((r) => {
    const path = runs.length === 1 ? file : file.replace(/(\.json)?$/, `.${r.name}.json`);
    const data = otlpOfRun(r.events, startEpochMs);
    writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
    return { path, spans: data.resourceSpans.reduce((n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0) };
  });
}
