/**
 * Kubernetes workload objects around a gateway (apps/v1 Deployment, autoscaling/v2
 * HorizontalPodAutoscaler, policy/v1 PodDisruptionBudget) read into the small specs that the
 * simulation's Kubernetes models (engine/runtimes/sim/k8s/) play, with diagnostics at file:line:column.
 * A pod-template fragment without apiVersion and kind (the lesson's snippet 14) is kept as a patch, to
 * be applied to a Deployment with applyStrategicMergePatch.
 */
import type { Diagnostic } from '../../../core/errors.ts';
import { readHpa, type HpaSpec } from './autoscaler.ts';
import { checkWorkloads, type Located } from './checks.ts';
import { readDeployment, type DeploymentSpec } from './deployment.ts';
import { readPdb, type PdbSpec } from './disruption-budget.ts';
import { isObj, Reader, type WorkloadDoc } from './read-kit.ts';

export { applyStrategicMergePatch, type PatchResult } from './strategic-merge.ts';
export { readyAfterMs, type ContainerSpec, type PreStop, type ReadinessProbe } from './container.ts';
export { resolveFenceposts, DEFAULT_GRACE_SECONDS, type DeploymentSpec, type DeploymentStrategy } from './deployment.ts';
export { desiredHealthy, selects, type PdbSpec } from './disruption-budget.ts';
export type { HpaSpec } from './autoscaler.ts';
export { parseCpuMillis, parseMemoryBytes, parseIntOrPercent, scaleIntOrPercent, type IntOrPercent } from './quantity.ts';
export type { Located } from './checks.ts';
export type { WorkloadDoc } from './read-kit.ts';

export interface Workloads {
  deployments: Array<Located<DeploymentSpec>>;
  hpas: Array<Located<HpaSpec>>;
  pdbs: Array<Located<PdbSpec>>;
  /** Documents without apiVersion/kind that only make sense as a strategic-merge patch. */
  patches: WorkloadDoc[];
  diagnostics: Diagnostic[];
}

const KINDS: Record<string, string> = {
  Deployment: 'apps/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
};

export function readWorkloads(docs: readonly WorkloadDoc[]): Workloads {
  const out: Workloads = { deployments: [], hpas: [], pdbs: [], patches: [], diagnostics: [] };
  for (const doc of docs) {
    const r = new Reader(doc);
    const v = doc.value;
    if (!isObj(v)) continue;
    const kind = v['kind'];
    const apiVersion = v['apiVersion'];
    if (kind === undefined && apiVersion === undefined) {
      r.warn(isObj(v['spec']) ? ['spec'] : [], 'GL_W_LESSON_DIFFERS', 'this document has no apiVersion or kind (nor metadata, selector or container image): it is a fragment of a Deployment, which the API server would refuse as an object; gatelab keeps it as a strategic-merge patch, where containers merge by name', 'apply it to the Deployment: kubectl patch deployment <name> --type strategic --patch-file <this file>', true);
      out.patches.push(doc);
    } else if (typeof kind === 'string' && KINDS[kind] !== undefined) {
      if (apiVersion !== KINDS[kind]) {
        r.error(['apiVersion'], `gatelab reads ${kind} as ${KINDS[kind]}, not ${JSON.stringify(apiVersion)}`, `apiVersion: ${KINDS[kind]}`, 'GL_E_CONFIG_VERSION');
      } else if (kind === 'Deployment') {
        const spec = readDeployment(r);
        if (spec) out.deployments.push({ spec, doc });
      } else if (kind === 'HorizontalPodAutoscaler') {
        const spec = readHpa(r);
        if (spec) out.hpas.push({ spec, doc });
      } else {
        const spec = readPdb(r);
        if (spec) out.pdbs.push({ spec, doc });
      }
    }
    // Other kinds (Services, Ingresses, routes) belong to the gateway adapters: not an error here.
    out.diagnostics.push(...r.diagnostics);
  }
  out.diagnostics.push(...checkWorkloads(out.deployments, out.hpas, out.pdbs));
  return out;
}

/** Reads one Deployment document (a base, or the result of a patch). */
export function readDeploymentDoc(doc: WorkloadDoc): { spec?: DeploymentSpec; diagnostics: Diagnostic[] } {
  const r = new Reader(doc);
  const spec = readDeployment(r);
  return spec ? { spec, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
}
