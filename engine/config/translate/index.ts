/**
 * `gatelab translate`, browser-safe: a loaded config's IR into another dialect's text, with every part
 * the target cannot express listed. The path runs through the portable model (model.ts): the source
 * dialect is read into it (from-ir.ts), the target writes it (to-*.ts).
 */
import type { GatewayIR } from '../ir.ts';
import { modelFromIr } from './from-ir.ts';
import type { Dropped } from './model.ts';
import { toGatewayApi } from './to-gateway-api.ts';
import { toNativeIr } from './to-ir.ts';
import { toKong } from './to-kong.ts';
import { toTraefik } from './to-traefik.ts';

export const TRANSLATE_TARGETS = ['ir', 'gateway-api', 'kong', 'traefik'] as const;
export type TranslateTarget = (typeof TRANSLATE_TARGETS)[number];

export interface Translation {
  text: string;
  /** What the target cannot express, or expresses only differently: on stderr, exit 1 when any. */
  dropped: Dropped[];
}

export function translate(ir: GatewayIR, target: TranslateTarget): Translation {
  const model = modelFromIr(ir);
  const write = target === 'ir' ? toNativeIr : target === 'kong' ? toKong : target === 'traefik' ? toTraefik : toGatewayApi;
  const out = write(model);
  return { text: out.text, dropped: [...model.dropped, ...out.dropped] };
}

export type { Dropped } from './model.ts';
export { modelFromIr } from './from-ir.ts';
