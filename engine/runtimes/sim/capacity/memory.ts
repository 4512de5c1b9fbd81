/**
 * A replica's memory: a base (the process with its config and caches loaded) plus a share per
 * request that is in progress or waiting (connection and request buffers, the Lua context). Past
 * the limit the container is OOM-killed (Kubernetes: the cgroup's memory.max, reason OOMKilled).
 */
export interface MemoryModel {
  limitBytes?: number;
  baseBytes: number;
  perRequestBytes: number;
}

export function memoryInUse(m: MemoryModel, requests: number): number {
  return m.baseBytes + m.perRequestBytes * requests;
}

/** Whether `requests` requests held at once would push the replica past its limit. */
export function overLimit(m: MemoryModel, requests: number): boolean {
  return m.limitBytes !== undefined && memoryInUse(m, requests) > m.limitBytes;
}

/** How many requests fit before the OOM kill (Infinity without a limit). */
export function requestsThatFit(m: MemoryModel): number {
  if (m.limitBytes === undefined) return Infinity;
  if (m.perRequestBytes <= 0) return m.baseBytes > m.limitBytes ? -1 : Infinity;
  return Math.floor((m.limitBytes - m.baseBytes) / m.perRequestBytes);
}
