/**
 * A strategic-merge patch (kubectl patch --type strategic, k8s.io/apimachinery strategicpatch) onto a
 * Deployment, for pod-template fragments like the lesson's snippet 14: maps merge key by key, `null`
 * deletes a key, and lists whose Go type declares a patch merge key merge item by item on that key
 * (containers by name); every other list is replaced whole. The merged document keeps a SourceMap in
 * which each value points at the file that last wrote it, so a diagnostic about the preStop sleep
 * lands on the patch's line, and one about the image on the base's.
 */
import type { Diagnostic } from '../../../core/errors.ts';
import type { JsonPath } from '../../yaml-source.ts';
import { isObj, type Obj, type WorkloadDoc } from './read-kit.ts';

/** patchMergeKey tags of k8s.io/api core/v1 for the lists a Deployment's pod template holds. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};

export interface PatchResult {
  doc: WorkloadDoc;
  diagnostics: Diagnostic[];
}

export function applyStrategicMergePatch(base: WorkloadDoc, patch: WorkloadDoc): PatchResult {
  const diagnostics: Diagnostic[] = [];
  const map = base.map.clone();
  const say = (path: JsonPath, severity: Diagnostic['severity'], message: string, hint?: string): void => {
    const d: Diagnostic = { severity, code: severity === 'error' ? 'GL_E_VARIANT' : 'GL_W_NO_EFFECT', message, loc: patch.map.locate(path) };
    if (hint) d.hint = hint;
    diagnostics.push(d);
  };
  if (!isObj(base.value) || !isObj(patch.value)) {
    say([], 'error', 'a strategic-merge patch and its target must both be mappings');
    return { doc: base, diagnostics };
  }
  for (const key of ['apiVersion', 'kind'] as const) {
    const p = patch.value[key];
    if (p !== undefined && p !== base.value[key]) say([key], 'error', `the patch says ${key}: ${String(p)} but the target is ${String(base.value[key])}`);
  }
  if (diagnostics.length > 0) return { doc: base, diagnostics };

  /** Replaces whatever the base had at `to` with the patch's value (and its source positions) from `from`. */
  const take = (from: JsonPath, to: JsonPath): void => {
    map.prune(to);
    map.graft(patch.map, from, to);
  };

  const mergeMap = (b: Obj, p: Obj, from: JsonPath, to: JsonPath): Obj => {
    const out: Obj = { ...b };
    for (const [k, pv] of Object.entries(p)) {
      if (k.startsWith('$')) {
        say([...from, k], 'warning', `the patch directive ${k} is not supported here; it is ignored`, 'write the merged value out instead');
        continue;
      }
      if (pv === null) {
        delete out[k];
        map.prune([...to, k]);
        continue;
      }
      const bv = b[k];
      if (isObj(bv) && isObj(pv)) out[k] = mergeMap(bv, pv, [...from, k], [...to, k]);
      else if (Array.isArray(bv) && Array.isArray(pv) && MERGE_KEYS[k]) out[k] = mergeList(bv, pv, MERGE_KEYS[k], [...from, k], [...to, k]);
      else {
        out[k] = pv;
        take([...from, k], [...to, k]);
      }
    }
    return out;
  };

  const mergeList = (b: unknown[], p: unknown[], key: string, from: JsonPath, to: JsonPath): unknown[] => {
    const out = [...b];
    p.forEach((item, j) => {
      const id = isObj(item) ? item[key] : undefined;
      if (id === undefined) {
        say([...from, j], 'error', `a list item in ${String(from[from.length - 1])} needs its merge key "${key}" to be patched`, `add ${key}: to the item`);
        return;
      }
      const i = out.findIndex((x) => isObj(x) && x[key] === id);
      if (i < 0) {
        out.push(item);
        take([...from, j], [...to, out.length - 1]);
      } else out[i] = mergeMap(out[i] as Obj, item as Obj, [...from, j], [...to, i]);
    });
    return out;
  };

  const value = mergeMap(base.value, patch.value, [], []);
  return { doc: { value, map }, diagnostics };
}
