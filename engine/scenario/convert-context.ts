/**
 * Shared state of one conversion (base file or one variant): where diagnostics go, how to read files,
 * and the time frame instants are checked against.
 */
import type { Diagnostic, ErrorCode, Severity } from '../core/errors.ts';
import type { JsonPath, SourceMap } from '../config/yaml-source.ts';
import { formatDuration } from '../core/duration.ts';
import { durationMs, instantOffsetMs, ratePerSecond } from './instants.ts';

export type ReadFile = (path: string) => string;

/** A file read that never throws: the text, or why there is none. */
export type SafeReader = (path: string) => { text: string } | { error: string };

/**
 * Wraps the caller's readFile so one load reads each file once (variants reuse the base's files) and a
 * throwing or non-string reader becomes an error value instead of an exception.
 */
export function cachingReader(readFile: ReadFile): SafeReader {
  const cache = new Map<string, { text: string } | { error: string }>();
  return (path) => {
    let hit = cache.get(path);
    if (!hit) {
      try {
        const text: unknown = readFile(path);
        hit = typeof text === 'string' ? { text } : { error: 'the reader returned no text' };
      } catch (e) {
        hit = { error: e instanceof Error ? e.message : String(e) };
      }
      cache.set(path, hit);
    }
    return hit;
  };
}

export interface ConvertContext {
  file: string;
  map: SourceMap;
  read: SafeReader;
  diagnostics: Diagnostic[];
  startMs: number;
  durationMs: number;
}

export function report(
  ctx: ConvertContext,
  code: ErrorCode,
  path: JsonPath,
  message: string,
  hint?: string,
  opts: { key?: boolean; severity?: Severity } = {},
): void {
  ctx.diagnostics.push({
    severity: opts.severity ?? 'error',
    code,
    message,
    ...(hint ? { hint } : {}),
    loc: ctx.map.locate(path, { key: opts.key ?? false }),
  });
}

/** A non-negative duration in ms (the schema has checked the syntax; the sign is checked here). */
export function durationAt(ctx: ConvertContext, value: unknown, path: JsonPath): number {
  const ms = durationMs(value) ?? 0;
  if (ms < 0) {
    report(ctx, 'GL_E_DURATION', path, `a duration cannot be negative, got ${String(value)}`, 'remove the minus sign');
    return 0;
  }
  return ms;
}

/** An instant as an offset from start; reports instants before start or after the end of the run. */
export function instantAt(ctx: ConvertContext, value: unknown, path: JsonPath): number {
  const r = instantOffsetMs(value, ctx.startMs);
  if ('error' in r) {
    if (r.error === 'before-start') {
      report(ctx, 'GL_E_INSTANT', path, `${String(value)} is before the start of the run`, 'instants are offsets from start (0s, 1m30s) or UTC times at or after start');
    } else {
      report(ctx, 'GL_E_INSTANT', path, `'${String(value)}' is not a real UTC time`, 'check the month, day and time fields');
    }
    return 0;
  }
  if (r.ms > ctx.durationMs) {
    report(
      ctx,
      'GL_E_INSTANT',
      path,
      `${String(value)} is after the end of the run (duration ${formatDuration(ctx.durationMs)})`,
      'move it before the end, or make the scenario duration longer',
    );
  }
  return r.ms;
}

/** Requests per second; the schema has checked the syntax, so 0 only stands in for the impossible. */
export function rateOf(value: unknown): number {
  return ratePerSecond(value) ?? 0;
}
