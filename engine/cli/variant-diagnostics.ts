/**
 * One list of problems from several variants of a scenario. Every variant loads the gateway config
 * again, so a problem in a shared file comes back once per variant: print it once. A problem that
 * the base does not have (an overlay only a variant uses) names the variants that have it, as the
 * loader already does for a variant's patch errors (docs/scenario-format.md, "Variants").
 */
import { formatDiagnostic, type Diagnostic } from '../core/errors.ts';

const NAMED = /^variant '[^']*': /;

export interface VariantDiagnostics {
  name: string;
  diagnostics: readonly Diagnostic[];
}

export function mergeVariantDiagnostics(perVariant: readonly VariantDiagnostics[]): Diagnostic[] {
  const groups = new Map<string, { d: Diagnostic; variants: string[] }>();
  for (const { name, diagnostics } of perVariant) {
    for (const d of diagnostics) {
      const key = formatDiagnostic(d);
      const group = groups.get(key);
      if (!group) groups.set(key, { d, variants: [name] });
      else if (!group.variants.includes(name)) group.variants.push(name);
    }
  }
  const baseRan = perVariant.some((v) => v.name === 'base');
  return [...groups.values()].map(({ d, variants }) => (!baseRan || variants.includes('base') ? d : nameVariants(d, variants)));
}

/** The diagnostic with the variants that have it in front, unless the loader already named one. */
export function nameVariants(d: Diagnostic, variants: readonly string[]): Diagnostic {
  if (NAMED.test(d.message) || variants.length === 0) return d;
  const label = variants.length === 1 ? `variant '${variants[0]}'` : `variants ${variants.map((v) => `'${v}'`).join(', ')}`;
  return { ...d, message: `${label}: ${d.message}` };
}
