/**
 * `kubernetes:` — the gateway's workload read from files beside the scenario (docs/scenario-format.md,
 * "Kubernetes"). The files are the objects a cluster would hold, read by the same readers as everywhere
 * (engine/config/k8s/workloads); a fragment without apiVersion/kind (lesson snippet 14) is applied to
 * the Deployment as a strategic-merge patch, in file order. An HPA or PDB that would not act on this
 * Deployment in a cluster (another namespace, another target, labels that do not match) is kept out,
 * with a warning, because the real controllers would ignore it too.
 */
import type { JsonPath } from '../config/yaml-source.ts';
import { DEFAULT_ENDPOINT_REMOVAL_LAG_MS } from '../runtimes/sim/k8s/lifecycle.ts';
import { applyStrategicMergePatch, readDeploymentDoc, readWorkloads, selects, type DeploymentSpec, type WorkloadDoc } from '../config/k8s/workloads/index.ts';
import type { RawKubernetes } from './raw.ts';
import type { KubernetesSpec } from './types.ts';
import { durationAt, report, type ConvertContext } from './convert-context.ts';
import { readSource } from './convert-gateway.ts';

/** Container start → the app serves; the lifecycle model's assumption (docs/kubernetes-ops.md). */
export const DEFAULT_APP_READY_MS = 5000;

export function kubernetesSpec(ctx: ConvertContext, raw: RawKubernetes, path: JsonPath): KubernetesSpec | undefined {
  const docs: WorkloadDoc[] = [];
  raw.files.forEach((f, i) => {
    const src = readSource(ctx, f, [...path, 'files', i], 'Kubernetes file');
    if (src) docs.push(...src.docs);
  });
  const w = readWorkloads(docs);
  ctx.diagnostics.push(...w.diagnostics);
  const first = w.deployments[0];
  if (!first || w.deployments.length > 1) {
    report(ctx, 'GL_E_SCHEMA', [...path, 'files'], `the files hold ${w.deployments.length} Deployments; the gateway's workload needs exactly one`, 'list the file with the gateway\'s Deployment (and optionally its HPA, PDB and patches)');
    return undefined;
  }
  let deployment: DeploymentSpec = first.spec;
  let doc = first.doc;
  for (const patch of w.patches) {
    const merged = applyStrategicMergePatch(doc, patch);
    ctx.diagnostics.push(...merged.diagnostics);
    const read = readDeploymentDoc(merged.doc);
    ctx.diagnostics.push(...read.diagnostics);
    if (!read.spec) return undefined;
    doc = merged.doc;
    deployment = read.spec;
  }
  const hpa = w.hpas.find((h) => h.spec.target.kind === 'Deployment' && h.spec.target.name === deployment.name && h.spec.namespace === deployment.namespace);
  for (const h of w.hpas.filter((x) => x !== hpa)) {
    report(ctx, 'GL_W_NO_EFFECT', [...path, 'files'], `HorizontalPodAutoscaler ${h.spec.namespace}/${h.spec.name} scales ${h.spec.target.kind} ${h.spec.namespace}/${h.spec.target.name}, not the gateway's Deployment ${deployment.namespace}/${deployment.name}: it does nothing here, as in a cluster`, 'an HPA acts on the Deployment named in scaleTargetRef, in its own namespace', { severity: 'warning' });
  }
  const pdb = w.pdbs.find((p) => selects(p.spec, deployment.namespace, deployment.podLabels));
  const nodes = raw.nodes ?? ['node-a'];
  if (new Set(nodes).size !== nodes.length || nodes.length === 0) {
    report(ctx, 'GL_E_SCHEMA', [...path, 'nodes'], 'node names must be distinct, and at least one', 'name each node once: [node-a, node-b]');
  }
  return {
    deployment,
    ...(hpa ? { hpa: hpa.spec } : {}),
    ...(pdb ? { pdb: pdb.spec } : {}),
    nodes,
    placement: raw.placement ?? 'spread',
    endpointRemovalLagMs: raw.endpointRemovalLag !== undefined ? durationAt(ctx, raw.endpointRemovalLag, [...path, 'endpointRemovalLag']) : DEFAULT_ENDPOINT_REMOVAL_LAG_MS,
    appReadyMs: raw.appReady !== undefined ? durationAt(ctx, raw.appReady, [...path, 'appReady']) : DEFAULT_APP_READY_MS,
  };
}
