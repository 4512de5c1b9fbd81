/**
 * Overlays for Kubernetes documents. An overlay document that names an object already in the input
 * (same API group, kind, namespace and name) is merged onto it, like a patch; any other overlay
 * document is added, like applying one more file. So a scenario can add the Gateway a lesson snippet
 * leaves out, or change one weight, without copying the snippet.
 */
import { mergeOverlays, type MappedValue } from '../overlay.ts';
import { isRecord } from './context.ts';
import { groupOf } from './collect.ts';

function identity(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value['kind'] !== 'string' || typeof value['apiVersion'] !== 'string') return undefined;
  const meta = isRecord(value['metadata']) ? value['metadata'] : {};
  if (typeof meta['name'] !== 'string') return undefined;
  const ns = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
  return `${groupOf(value['apiVersion'])}|${value['kind']}|${ns}|${meta['name']}`;
}

export function layDocuments(docs: readonly MappedValue[], overlays: readonly MappedValue[]): MappedValue[] {
  const out = [...docs];
  for (const overlay of overlays) {
    const id = identity(overlay.value);
    // The last document with that identity is the one kubectl apply would leave in place.
    let at = -1;
    if (id !== undefined) for (let i = out.length - 1; i >= 0 && at < 0; i--) if (identity(out[i]?.value) === id) at = i;
    if (at >= 0) out[at] = mergeOverlays(out[at] as MappedValue, [overlay]);
    else out.push(overlay);
  }
  return out;
}
