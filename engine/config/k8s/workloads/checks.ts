/**
 * Checks across objects, where the lesson's snippets meet: an HPA's Utilization target needs CPU
 * requests on the Deployment it scales, a PDB must select the gateway's pods (same namespace, labels
 * that match the pod template), and a budget as large as the Deployment lets no eviction through.
 */
import type { Diagnostic } from '../../../core/errors.ts';
import type { JsonPath } from '../../yaml-source.ts';
import type { HpaSpec } from './autoscaler.ts';
import type { DeploymentSpec } from './deployment.ts';
import { desiredHealthy, selects, type PdbSpec } from './disruption-budget.ts';
import type { WorkloadDoc } from './read-kit.ts';

export interface Located<T> {
  spec: T;
  doc: WorkloadDoc;
}

function at(doc: WorkloadDoc, path: JsonPath, code: Diagnostic['code'], message: string, hint?: string): Diagnostic {
  const d: Diagnostic = { severity: 'warning', code, message, loc: doc.map.locate(path) };
  if (hint) d.hint = hint;
  return d;
}

export function checkWorkloads(deployments: ReadonlyArray<Located<DeploymentSpec>>, hpas: ReadonlyArray<Located<HpaSpec>>, pdbs: ReadonlyArray<Located<PdbSpec>>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of hpas) {
    const d = deployments.find((x) => h.spec.target.kind === 'Deployment' && x.spec.name === h.spec.target.name && x.spec.namespace === h.spec.namespace);
    if (!d) continue;
    const missing = d.spec.containers.filter((c) => c.cpuRequestMillis === undefined).map((c) => c.name);
    if (h.spec.cpuTargetPercent !== undefined && missing.length > 0) {
      // The HPA computes Utilization as usage ÷ requests.cpu summed over containers; one missing request and it cannot.
      out.push(at(h.doc, ['spec', 'metrics'], 'GL_W_NO_EFFECT', `HorizontalPodAutoscaler ${h.spec.name} targets CPU Utilization, but container(s) ${missing.join(', ')} of Deployment ${d.spec.name} set no requests.cpu; the HPA reports FailedGetResourceMetric ("missing request for cpu") and never scales`, 'set resources.requests.cpu (for example 250m) on every container'));
    }
  }
  for (const p of pdbs) {
    const covered = deployments.filter((d) => selects(p.spec, d.spec.namespace, d.spec.podLabels));
    if (deployments.length > 0 && covered.length === 0) {
      out.push(at(p.doc, ['spec', 'selector'], 'GL_W_NO_EFFECT', `PodDisruptionBudget ${p.spec.namespace}/${p.spec.name} selects no pod of ${deployments.map((d) => `${d.spec.namespace}/${d.spec.name}`).join(', ')}: a PDB only counts pods in its own namespace whose labels match`, 'put the PDB in the Deployment\'s namespace and match its pod template labels'));
    }
    for (const d of covered) {
      const need = desiredHealthy(p.spec, d.spec.replicas);
      if (need >= d.spec.replicas) {
        out.push(at(p.doc, ['spec', p.spec.budget.field], 'GL_W_NO_EFFECT', `with ${d.spec.replicas} replica(s) of ${d.spec.name} and ${need} that must stay healthy, no eviction is ever allowed: kubectl drain retries every 5 s and waits forever`, `run at least ${need + 1} replicas, or lower the budget`));
      }
    }
  }
  if (hpas.length > 0 && pdbs.length > 0 && deployments.length === 0) {
    const hpaNs = new Set(hpas.map((h) => h.spec.namespace));
    for (const p of pdbs.filter((x) => !hpaNs.has(x.spec.namespace))) {
      out.push(at(p.doc, ['metadata', 'namespace'], 'GL_W_LESSON_DIFFERS', `PodDisruptionBudget ${p.spec.name} is in namespace ${p.spec.namespace}, the HorizontalPodAutoscaler(s) in ${[...hpaNs].join(', ')}: they cannot protect and scale the same gateway Deployment`, 'use one namespace for the gateway\'s Deployment, PDB and HPA'));
    }
  }
  return out;
}
