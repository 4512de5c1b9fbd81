/**
 * Test kit: one service read through gatelab's native IR reader, the one dialect that can give a
 * cluster both active health checks and outlier detection. Tests only, never imported by the engine.
 */
import { expect } from 'vitest';
import type { ServiceIR } from '../config/ir.ts';
import { adaptNativeIr } from '../config/native/adapt.ts';
import { parseYaml } from '../config/yaml-source.ts';

/** A native-IR service named `orders` with `hosts` targets (10.0.0.1:80 …) and the given `upstream:` body (one flow line). */
export function nativeService(hosts: number, upstream: string): ServiceIR {
  const targets = Array.from({ length: hosts }, (_, i) => `{target: "10.0.0.${i + 1}:80"}`).join(', ');
  const text = `services:\n  - name: orders\n    targets: [${targets}]\n    upstream: ${upstream}\n`;
  const { docs } = parseYaml(text, 'ir.yaml');
  const out = adaptNativeIr(docs[0] as (typeof docs)[number]);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const service = out.ir?.services[0];
  if (!service) throw new Error('no service');
  return service;
}
