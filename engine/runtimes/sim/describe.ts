/** Trace wording for what the simulation does: an effect, a backend that changes its behaviour. */
import type { Effect } from '../../pipeline/types.ts';
import type { BackendChange } from '../../scenario/types.ts';

export function describeEffect(effect: Effect): string {
  switch (effect.type) {
    case 'store':
      return `store: ${effect.ops.map((o) => `${o.op} ${o.key}`).join(', ')}`;
    case 'http':
      return `${effect.purpose}: ${effect.method} ${effect.url}`;
    case 'sleep':
      return `${effect.purpose}: wait ${effect.ms} ms`;
    case 'async':
    case 'compute':
      return effect.purpose;
  }
}

export function describeChange(target: string, change: BackendChange, durationMs: number): string {
  const parts = [
    change.errorRate !== undefined ? `${Math.round(change.errorRate * 100)} % errors${change.errorStatus ? ` (${change.errorStatus})` : ''}` : '',
    change.latency ? 'new latency' : '',
  ].filter(Boolean);
  const how = Number.isFinite(durationMs) ? `for ${durationMs} ms` : 'until the end';
  return `${target}: ${parts.join(', ')} ${how}`;
}

