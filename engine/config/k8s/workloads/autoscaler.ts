/**
 * autoscaling/v2 HorizontalPodAutoscaler: the replica range, the CPU Utilization target and the
 * stabilisation windows. Defaults (k8s.io/kubernetes pkg/apis/autoscaling/v2/defaults.go): minReplicas
 * 1, scaleDown.stabilizationWindowSeconds 300, scaleUp 0.
 */
import { isObj, type Reader, secondsToMs } from './read-kit.ts';

export interface HpaSpec {
  name: string;
  namespace: string;
  target: { apiVersion: string; kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  /** The cpu Utilization target in percent of requests.cpu, when the HPA has one. */
  cpuTargetPercent?: number;
  scaleUpStabilizationMs: number;
  scaleDownStabilizationMs: number;
  file: string;
}

export function readHpa(r: Reader): HpaSpec | undefined {
  if (!isObj(r.get(['spec']))) {
    r.error([], 'a HorizontalPodAutoscaler needs a spec');
    return undefined;
  }
  r.unknownFields(['spec'], ['scaleTargetRef', 'minReplicas', 'maxReplicas', 'metrics', 'behavior'], 'a HorizontalPodAutoscaler spec');
  const ref = r.get(['spec', 'scaleTargetRef']);
  if (!isObj(ref) || typeof ref['kind'] !== 'string' || typeof ref['name'] !== 'string') {
    r.error(['spec', 'scaleTargetRef'], 'scaleTargetRef needs kind and name', 'scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: gateway }');
    return undefined;
  }
  const min = r.int(['spec', 'minReplicas'], 1, 1);
  const max = r.int(['spec', 'maxReplicas'], -1, 1);
  if (max === -1) r.error(['spec'], 'maxReplicas is required', 'maxReplicas: 10');
  if (min === undefined || max === undefined || max === -1) return undefined;
  if (max < min) {
    r.error(['spec', 'maxReplicas'], `maxReplicas (${max}) must be greater than or equal to minReplicas (${min})`);
    return undefined;
  }
  const up = r.int(['spec', 'behavior', 'scaleUp', 'stabilizationWindowSeconds'], 0, 0, 3600);
  const down = r.int(['spec', 'behavior', 'scaleDown', 'stabilizationWindowSeconds'], 300, 0, 3600);
  if (up === undefined || down === undefined) return undefined;
  const spec: HpaSpec = {
    name: r.str(['metadata', 'name']),
    namespace: r.str(['metadata', 'namespace'], 'default'),
    target: { apiVersion: String(ref['apiVersion'] ?? ''), kind: ref['kind'], name: ref['name'] },
    minReplicas: min,
    maxReplicas: max,
    scaleUpStabilizationMs: secondsToMs(up),
    scaleDownStabilizationMs: secondsToMs(down),
    file: r.file,
  };
  const cpu = readCpuTarget(r);
  if (cpu !== undefined) spec.cpuTargetPercent = cpu;
  return spec;
}

function readCpuTarget(r: Reader): number | undefined {
  const metrics = r.get(['spec', 'metrics']);
  if (metrics === undefined || metrics === null) {
    // With no metrics the API server defaults to 80% average CPU utilisation.
    return 80;
  }
  if (!Array.isArray(metrics)) {
    r.error(['spec', 'metrics'], 'metrics must be a list');
    return undefined;
  }
  let found: number | undefined;
  metrics.forEach((m, i) => {
    const at = ['spec', 'metrics', i];
    if (!isObj(m) || m['type'] !== 'Resource' || !isObj(m['resource']) || m['resource']['name'] !== 'cpu') {
      r.warn(at, 'GL_W_NO_EFFECT', 'only the cpu Resource metric is modelled; this metric is ignored');
      return;
    }
    const target = m['resource']['target'];
    if (!isObj(target) || target['type'] !== 'Utilization') {
      r.warn([...at, 'resource', 'target'], 'GL_W_NO_EFFECT', 'only a cpu target of type Utilization is modelled (AverageValue is not)');
      return;
    }
    const v = r.int([...at, 'resource', 'target', 'averageUtilization'], -1, 1);
    if (v === -1) r.error([...at, 'resource', 'target'], 'a Utilization target needs averageUtilization', 'averageUtilization: 60');
    else if (v !== undefined) found = v;
  });
  return found;
}
