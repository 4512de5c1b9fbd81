/**
 * A backend's `calls` (catalog → inventory): each names another backend of the scenario, and the
 * calls may not loop back (a cycle would make one request call itself for ever). Errors point at the
 * call in the file and name the backends that exist.
 */
import type { JsonPath } from '../config/yaml-source.ts';
import { nearest } from '../core/nearest.ts';
import type { BackendCallSpec } from './types.ts';
import type { RawBackend } from './raw.ts';
import { report, type ConvertContext } from './convert-context.ts';
import { latencyModel } from './convert-models.ts';

export function backendCalls(ctx: ConvertContext, raw: RawBackend, index: number, names: readonly string[]): BackendCallSpec[] | undefined {
  if (raw.calls === undefined) return undefined;
  return raw.calls.map((c, j) => {
    const path: JsonPath = ['backends', index, 'calls', j];
    if (!names.includes(c.backend)) {
      const near = nearest(c.backend, names);
      report(ctx, 'GL_E_SCHEMA', [...path, 'backend'], `backend '${raw.name}' calls '${c.backend}', which is not a backend of this scenario`,
        near ? `did you mean '${near}'?` : `add it under backends, or call one of: ${names.join(', ')}`);
    }
    return {
      backend: c.backend,
      method: c.method ?? 'GET',
      path: c.path ?? '/',
      latency: latencyModel(ctx, c.latency, [...path, 'latency']),
      propagate: c.propagate ?? true,
    };
  });
}

/** Reports the first call that closes a loop (a → b → a), at that call. */
export function checkCallCycles(ctx: ConvertContext, raw: readonly RawBackend[]): void {
  const callsOf = new Map(raw.map((b) => [b.name, (b.calls ?? []).map((c) => c.backend)]));
  const reaches = (from: string, target: string, seen: Set<string>): boolean => {
    if (from === target) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return (callsOf.get(from) ?? []).some((next) => reaches(next, target, seen));
  };
  raw.forEach((b, i) => {
    (b.calls ?? []).forEach((c, j) => {
      if (reaches(c.backend, b.name, new Set())) {
        report(ctx, 'GL_E_SCHEMA', ['backends', i, 'calls', j, 'backend'], `backend '${b.name}' calling '${c.backend}' makes a loop: '${c.backend}' leads back to '${b.name}'`,
          'calls must form a tree (a service graph without cycles); remove one of the calls');
      }
    });
  });
}
