/** Helpers the Kong adapter's tests share: load a Kong YAML text and read its IR and diagnostics. */
import { expect } from 'vitest';
import { formatDiagnostic } from '../../core/errors.ts';
import { parseYaml } from '../yaml-source.ts';
import { adaptKong } from './adapt.ts';
import type { KongPluginLookup } from './context.ts';
import { goldenPluginLookup } from './golden-plugins.ts';

export const V = '_format_version: "3.0"\n';

export function load(yaml: string, plugins: KongPluginLookup = goldenPluginLookup) {
  const { docs, diagnostics } = parseYaml(yaml, 'kong.yaml');
  expect(diagnostics).toEqual([]);
  const out = adaptKong(docs, { plugins });
  return { ...out, lines: out.diagnostics.map(formatDiagnostic) };
}

export function ok(yaml: string) {
  const out = load(yaml);
  expect(out.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!out.ir) throw new Error('no IR');
  return out.ir;
}
