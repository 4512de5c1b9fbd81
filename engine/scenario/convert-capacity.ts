/**
 * `gateway.capacity` and the front balancer's timeout: Kubernetes-style quantities (cpu `250m`,
 * memory `256Mi`) into millicores and bytes, durations into ms (docs/scenario-format.md, "Capacity").
 */
import type { JsonPath } from '../config/yaml-source.ts';
import type { RawCapacity, RawFrontBalancer } from './raw.ts';
import type { CapacitySpec, Scenario } from './types.ts';
import { durationAt, report, type ConvertContext } from './convert-context.ts';

/** nginx/Kong defaults stated in docs/capacity.md: the idle Kong process and one request's buffers. */
export const DEFAULT_BASE_MEMORY_BYTES = 106 * 1024 * 1024;
export const DEFAULT_MEMORY_PER_REQUEST_BYTES = 64 * 1024;
export const DEFAULT_RESTART_AFTER_OOM_MS = 10_000;

const MEMORY_UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3,
};

/** `250m` → 250, `1` or 1 → 1000, `0.5` → 500; undefined when it is not a CPU quantity. */
export function parseCpuMillicores(value: string | number): number | undefined {
  if (typeof value === 'number') return value > 0 ? Math.round(value * 1000) : undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const milli = m[2] === 'm' ? n : n * 1000;
  return milli > 0 ? milli : undefined;
}

/** `256Mi` → 268435456, `1G` → 1e9, 1024 → 1024; undefined when it is not a memory quantity. */
export function parseMemoryBytes(value: string | number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (MEMORY_UNITS[m[2] ?? ''] as number));
}

export function capacitySpec(ctx: ConvertContext, raw: RawCapacity, path: JsonPath): CapacitySpec {
  const cpu = parseCpuMillicores(raw.cpu);
  if (cpu === undefined) report(ctx, 'GL_E_SCHEMA', [...path, 'cpu'], `'${raw.cpu}' is not a CPU quantity`, 'write millicores like 250m, or cores like 1 or 0.5');
  const memory = (key: 'memory' | 'baseMemory' | 'memoryPerRequest', fallback: number | undefined): number | undefined => {
    const v = raw[key];
    if (v === undefined) return fallback;
    const bytes = parseMemoryBytes(v);
    if (bytes === undefined) report(ctx, 'GL_E_SCHEMA', [...path, key], `'${v}' is not a memory quantity`, 'write bytes with a unit like 256Mi, 1Gi or 64Ki');
    return bytes ?? fallback;
  };
  const limit = memory('memory', undefined);
  const out: CapacitySpec = {
    cpuMillicores: cpu ?? 1000,
    ...(limit !== undefined ? { memoryBytes: limit } : {}),
    ...(raw.slots !== undefined ? { slots: raw.slots } : {}),
    ...(raw.queue !== undefined ? { queue: raw.queue } : {}),
    ...(raw.queueTimeout !== undefined ? { queueTimeoutMs: durationAt(ctx, raw.queueTimeout, [...path, 'queueTimeout']) } : {}),
    baseMemoryBytes: memory('baseMemory', DEFAULT_BASE_MEMORY_BYTES) as number,
    memoryPerRequestBytes: memory('memoryPerRequest', DEFAULT_MEMORY_PER_REQUEST_BYTES) as number,
    restartAfterOomMs: raw.restartAfterOom !== undefined ? durationAt(ctx, raw.restartAfterOom, [...path, 'restartAfterOom']) : DEFAULT_RESTART_AFTER_OOM_MS,
  };
  if (out.memoryBytes !== undefined && out.baseMemoryBytes >= out.memoryBytes) {
    report(ctx, 'GL_E_SCHEMA', [...path, 'baseMemory'], `baseMemory (${out.baseMemoryBytes} bytes) does not fit in memory (${out.memoryBytes} bytes)`, 'raise memory or lower baseMemory: the replica could never start');
  }
  return out;
}

export function frontBalancer(ctx: ConvertContext, raw: RawFrontBalancer | undefined): Pick<Scenario, 'frontBalancer' | 'frontTimeoutMs'> {
  if (raw === undefined || typeof raw === 'string') return { frontBalancer: raw ?? 'round-robin' };
  return {
    frontBalancer: raw.algorithm ?? 'round-robin',
    ...(raw.timeout !== undefined ? { frontTimeoutMs: durationAt(ctx, raw.timeout, ['frontBalancer', 'timeout']) } : {}),
  };
}
