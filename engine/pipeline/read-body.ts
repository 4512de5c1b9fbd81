/**
 * The answer to a `read-body` effect for a host that holds the body as text already (the simulation,
 * explain, test hosts): the body as sent, or `bodyTooLarge` past `maxBytes` UTF-8 bytes. The proxy
 * host reads the client's stream instead (runtimes/proxy/read-client-body.ts) and answers alike.
 */
import { utf8LengthOver } from '../config/yaml-limits.ts';
import type { Effect, EffectResult, RequestContext } from './types.ts';

export type ReadBodyEffect = Extract<Effect, { type: 'read-body' }>;

export function readHeldBody(effect: ReadBodyEffect): EffectResult {
  const text = typeof effect.source === 'string' ? effect.source : '';
  if (effect.maxBytes >= 0 && utf8LengthOver(text, effect.maxBytes)) return { ok: true, bodyTooLarge: true };
  return { ok: true, body: text, value: text };
}

/**
 * After a read-body answer: a host that read the client's stream consumed it, so the bytes it read
 * (`value`) go upstream in the stream's place. A body the pipeline held as text stays as it was.
 */
export function replaceReadStream(ctx: RequestContext, result: EffectResult): void {
  if (result.ok && ctx.upstream.stream !== undefined) ctx.upstream.stream = result.value;
}
