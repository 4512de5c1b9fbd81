/** Trace wording for what the simulation does: an effect, a backend that changes its behaviour. */
import type { Effect } from '../../pipeline/types.ts';
import type { BackendChange } from '../../scenario/types.ts';

/**
 * Texts of store and HTTP effects, by effect object. Plugins build a Redis command or a callout once
 * per client and period and share it (nothing changes an effect once made), so at `full` most
 * effect.start events reuse a text instead of mapping and joining the commands again.
 */
const described = new WeakMap<Effect, string>();

export function describeEffect(effect: Effect): string {
  if (effect.type !== 'store' && effect.type !== 'http') return describeOnce(effect);
  let text = described.get(effect);
  if (text === undefined) described.set(effect, (text = describeOnce(effect)));
  return text;
}

function describeOnce(effect: Effect): string {
  switch (effect.type) {
    case 'store':
      return `store: ${effect.ops.map((o) => `${o.op} ${o.key}`).join(', ')}`;
    case 'http':
      return `${effect.purpose}: ${effect.method} ${effect.url}`;
    case 'sleep':
      return `${effect.purpose}: wait ${effect.ms} ms`;
    case 'read-body':
      return `${effect.purpose}: read the request body${effect.maxBytes >= 0 ? ` (at most ${effect.maxBytes} bytes)` : ''}`;
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

