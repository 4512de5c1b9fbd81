/**
 * apps/v1 Deployment: what the rolling-deploy model needs (replicas, strategy, grace period, the pod
 * template's containers and labels). Defaults are the API server's (k8s.io/kubernetes
 * pkg/apis/apps/v1/defaults.go): replicas 1, RollingUpdate with maxSurge 25% and maxUnavailable 25%,
 * terminationGracePeriodSeconds 30.
 */
import { readContainer, type ContainerSpec } from './container.ts';
import { formatIntOrPercent, parseIntOrPercent, scaleIntOrPercent, type IntOrPercent } from './quantity.ts';
import { isObj, Reader, secondsToMs } from './read-kit.ts';

export type DeploymentStrategy = { type: 'RollingUpdate'; maxSurge: IntOrPercent; maxUnavailable: IntOrPercent } | { type: 'Recreate' };

export interface DeploymentSpec {
  name: string;
  namespace: string;
  replicas: number;
  strategy: DeploymentStrategy;
  terminationGracePeriodMs: number;
  /** spec.template.metadata.labels: what a PDB's selector must match. */
  podLabels: Record<string, string>;
  containers: ContainerSpec[];
  /** The file the Deployment came from (or the base it was patched onto). */
  file: string;
}

export const DEFAULT_GRACE_SECONDS = 30;
const DEFAULT_SURGE: IntOrPercent = { kind: 'percent', value: 25 };

export function readDeployment(r: Reader): DeploymentSpec | undefined {
  const spec = r.get(['spec']);
  if (!isObj(spec)) {
    r.error([], 'a Deployment needs a spec with a pod template', 'add spec.template.spec.containers');
    return undefined;
  }
  r.unknownFields(['spec'], ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'], 'a Deployment spec');
  if (typeof r.get(['spec', 'minReadySeconds']) === 'number' && (r.get(['spec', 'minReadySeconds']) as number) > 0) {
    r.warn(['spec', 'minReadySeconds'], 'GL_W_NO_EFFECT', 'minReadySeconds is not modelled: gatelab counts a pod available as soon as it is ready');
  }
  const replicas = r.int(['spec', 'replicas'], 1, 0);
  const grace = r.int(['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], DEFAULT_GRACE_SECONDS, 0);
  const strategy = readStrategy(r);
  const containers = readContainers(r);
  if (replicas === undefined || grace === undefined || !strategy || !containers) return undefined;
  const labels = r.get(['spec', 'template', 'metadata', 'labels']);
  const podLabels: Record<string, string> = {};
  if (isObj(labels)) for (const [k, v] of Object.entries(labels)) podLabels[k] = String(v);
  return {
    name: r.str(['metadata', 'name']),
    namespace: r.str(['metadata', 'namespace'], 'default'),
    replicas,
    strategy,
    terminationGracePeriodMs: secondsToMs(grace),
    podLabels,
    containers,
    file: r.file,
  };
}

function readStrategy(r: Reader): DeploymentStrategy | undefined {
  const at = ['spec', 'strategy'];
  const type = r.get([...at, 'type']) ?? 'RollingUpdate';
  if (type === 'Recreate') {
    if (r.get([...at, 'rollingUpdate']) !== undefined) r.error([...at, 'rollingUpdate'], 'rollingUpdate may not be set when strategy.type is Recreate');
    return { type: 'Recreate' };
  }
  if (type !== 'RollingUpdate') {
    r.error([...at, 'type'], `strategy.type must be RollingUpdate or Recreate, not ${JSON.stringify(type)}`);
    return undefined;
  }
  const read = (key: 'maxSurge' | 'maxUnavailable'): IntOrPercent | undefined => {
    const raw = r.get([...at, 'rollingUpdate', key]);
    if (raw === undefined || raw === null) return DEFAULT_SURGE;
    const v = parseIntOrPercent(raw);
    if (!v) r.error([...at, 'rollingUpdate', key], `${key} must be a non-negative integer or a percentage like "25%", not ${JSON.stringify(raw)}`);
    else if (key === 'maxUnavailable' && v.kind === 'percent' && v.value > 100) r.error([...at, 'rollingUpdate', key], 'maxUnavailable must not be greater than 100%');
    else return v;
    return undefined;
  };
  const maxSurge = read('maxSurge');
  const maxUnavailable = read('maxUnavailable');
  if (!maxSurge || !maxUnavailable) return undefined;
  // Validation refuses both being zero as written (pkg/apis/apps/validation: "may not be 0 when maxSurge is 0").
  if (maxSurge.value === 0 && maxUnavailable.value === 0) {
    r.error([...at, 'rollingUpdate', 'maxUnavailable'], 'maxUnavailable may not be 0 when maxSurge is 0: the rollout could never start', 'set maxSurge: 1 (one extra pod during the rollout)');
    return undefined;
  }
  return { type: 'RollingUpdate', maxSurge, maxUnavailable };
}

function readContainers(r: Reader): ContainerSpec[] | undefined {
  const at = ['spec', 'template', 'spec', 'containers'];
  const raw = r.get(at);
  if (!Array.isArray(raw) || raw.length === 0) {
    r.error(raw === undefined ? ['spec', 'template'] : at, 'a pod template needs at least one container', 'containers: [{ name: gateway, image: ... }]');
    return undefined;
  }
  const out: ContainerSpec[] = [];
  raw.forEach((_, i) => {
    const c = readContainer(r, [...at, i]);
    if (!c) return;
    if (out.some((o) => o.name === c.name)) r.error([...at, i, 'name'], `container name "${c.name}" appears twice in the pod template`);
    else out.push(c);
  });
  return out;
}

/**
 * The rolling-update bounds as pods, as the Deployment controller resolves them
 * (pkg/controller/deployment/util ResolveFenceposts): surge rounds up, unavailable rounds down, and
 * when both come out 0 (a percentage of a small Deployment) maxUnavailable becomes 1 so a rollout can
 * still make progress.
 */
export function resolveFenceposts(replicas: number, maxSurge: IntOrPercent, maxUnavailable: IntOrPercent): { surge: number; unavailable: number; note?: string } {
  const surge = scaleIntOrPercent(maxSurge, replicas, true);
  const unavailable = scaleIntOrPercent(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) {
    return { surge, unavailable: 1, note: `maxSurge ${formatIntOrPercent(maxSurge)} and maxUnavailable ${formatIntOrPercent(maxUnavailable)} of ${replicas} replicas both round to 0, so the controller lets 1 pod be unavailable` };
  }
  return { surge, unavailable };
}
