/**
 * A variant is a JSON Merge Patch over the parsed scenario. Patching happens before conversion so a
 * variant can change anything the file can say, and the source map is re-pointed so that a mistake in a
 * patch is reported on the patch's own lines.
 */
import type { Diagnostic } from '../core/errors.ts';
import type { SourceMap } from '../config/yaml-source.ts';
import { isPlainObject, mergePatch } from './merge-patch.ts';
import { nearest } from './edit-distance.ts';

export interface ParsedSource {
  value: unknown;
  map: SourceMap;
}

export function variantNamesOf(value: unknown): string[] {
  const variants = isPlainObject(value) ? value.variants : undefined;
  return isPlainObject(variants) ? Object.keys(variants) : [];
}

function fail(map: SourceMap, path: Array<string | number>, message: string, hint: string): { diagnostics: Diagnostic[] } {
  return { diagnostics: [{ severity: 'error', code: 'GL_E_VARIANT', message, hint, loc: map.locate(path) }] };
}

/**
 * `gateway.config` and `gateway.files` are alternatives: a patch that sets one drops the other, as the
 * author clearly means "use this config instead", not "use both" (which the schema forbids).
 */
function effectivePatch(patch: Record<string, unknown>, base: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { ...patch };
  // The variants section is not patchable (the base load reports it); keeping it intact keeps every
  // variant visible from every other.
  delete out.variants;
  const g = patch.gateway;
  const baseGateway = isPlainObject(base) ? base.gateway : undefined;
  if (isPlainObject(g) && isPlainObject(baseGateway)) {
    const gw: Record<string, unknown> = { ...g };
    if (g.config != null && g.files === undefined && baseGateway.files !== undefined) gw.files = null;
    if (g.files != null && g.config === undefined && baseGateway.config !== undefined) gw.config = null;
    out.gateway = gw;
  }
  return out;
}

export function patchSource(base: ParsedSource, name: string): ParsedSource | { diagnostics: Diagnostic[] } {
  const names = variantNamesOf(base.value);
  if (!names.includes(name)) {
    const guess = nearest(name, names);
    const hint = guess ? `did you mean '${guess}'?` : names.length ? `variants: base, ${names.join(', ')}` : 'this scenario has only the base variant';
    return fail(base.map, ['variants'], `unknown variant '${name}'`, hint);
  }
  const spec = ((base.value as Record<string, unknown>).variants as Record<string, unknown>)[name];
  const patch = isPlainObject(spec) ? spec.patch : undefined;
  if (!isPlainObject(patch)) {
    return fail(base.map, ['variants', name], `variant '${name}' has no patch mapping`, 'write the changes under patch:, as a mapping');
  }
  const { value, changes } = mergePatch(base.value, effectivePatch(patch, base.value), { replaceWhole: [['gateway', 'config']] });
  const map = base.map.clone();
  for (const c of changes) {
    map.prune(c.path);
    // Deletions are grafted too: the value is gone, but "missing required field" can then point at
    // the patch's `null` that removed it rather than at the enclosing mapping.
    map.graft(base.map, ['variants', name, 'patch', ...c.path], c.path);
  }
  return { value, map };
}
