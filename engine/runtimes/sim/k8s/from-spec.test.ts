/**
 * From YAML to the 502 blip and back: the lesson's snippet 14 patched onto a gateway Deployment,
 * read, and played as a rolling deploy. Without the patch every old pod leaves a refused-connection
 * window; with it there is none. Also an HPA property over arbitrary utilisations (FC_SEED replays).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch, readDeploymentDoc, readWorkloads, type WorkloadDoc } from '../../../config/k8s/workloads/index.ts';
import { parseYaml } from '../../../config/yaml-source.ts';
import { LESSON_SNIPPETS } from '../../../../test/support/lesson.ts';
import { evaluateHpa, initialHpaState } from './hpa.ts';
import { hpaParams, lifecycleFromDeployment, refusalWindows, planRollingDeploy, rolloutBounds } from './index.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] k8s hpa seed=${seed} (replay: FC_SEED=${seed})`);

const BASE = `apiVersion: apps/v1
kind: Deployment
metadata: { name: gateway, namespace: gateway-system }
spec:
  replicas: 3
  selector: { matchLabels: { app: gateway } }
  template:
    metadata: { labels: { app: gateway } }
    spec:
      containers:
        - name: gateway
          image: kong:3.9
          resources: { requests: { cpu: "1", memory: 1Gi } }
          readinessProbe: { httpGet: { path: /status, port: 8100 }, periodSeconds: 5 }
`;

describe.skipIf(!existsSync(LESSON_SNIPPETS))('snippets 13 and 14 played', () => {
  const base = parseYaml(BASE, 'gateway.yaml').docs[0]!;
  const play = (doc: WorkloadDoc) => {
    const spec = readDeploymentDoc(doc).spec!;
    const bounds = rolloutBounds(spec);
    return planRollingDeploy({ at: 0, replicas: spec.replicas, ...bounds, lifecycle: lifecycleFromDeployment(spec) });
  };

  it('the default strategy of 3 replicas is surge 1, unavailable 0; ready after the first probe at 5 s', () => {
    const spec = readDeploymentDoc(base).spec!;
    expect(rolloutBounds(spec)).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(lifecycleFromDeployment(spec)).toEqual({ startupMs: 5000, terminationGracePeriodMs: 30_000, preStopMs: 0, endpointRemovalLagMs: 2000 });
  });

  it('without snippet 14 each old pod refuses connections for 2 s; with it, never', () => {
    expect(refusalWindows(play(base).events).map((w) => w.to - w.from)).toEqual([2000, 2000, 2000]);
    const patch = parseYaml(readFileSync(join(LESSON_SNIPPETS, '14-deployment-prestop-fragment.yaml'), 'utf8'), '14.yaml').docs[0]!;
    const patched = applyStrategicMergePatch(base, patch).doc;
    expect(lifecycleFromDeployment(readDeploymentDoc(patched).spec!)).toMatchObject({ preStopMs: 15_000, terminationGracePeriodMs: 60_000 });
    expect(refusalWindows(play(patched).events)).toEqual([]);
  });

  it('snippet 13 becomes HPA parameters', () => {
    const w = readWorkloads(parseYaml(readFileSync(join(LESSON_SNIPPETS, '13-gateway-hpa.yaml'), 'utf8'), '13.yaml').docs);
    expect(hpaParams(w.hpas[0]!.spec)).toEqual({ minReplicas: 2, maxReplicas: 10, targetPercent: 60, scaleUpStabilizationMs: 0, scaleDownStabilizationMs: 300_000 });
  });
});

describe('HPA properties', () => {
  it('every decision stays within minReplicas..maxReplicas and never shrinks inside the scale-down window', () => {
    const p = { minReplicas: 2, maxReplicas: 10, targetPercent: 60, scaleUpStabilizationMs: 0, scaleDownStabilizationMs: 300_000 };
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 40 }), (series) => {
        let state = initialHpaState(2);
        series.forEach((utils, i) => {
          const before = state.replicas;
          const next = evaluateHpa(p, state, i * 15_000, utils.slice(0, before));
          expect(next.decision.desired).toBeGreaterThanOrEqual(p.minReplicas);
          expect(next.decision.desired).toBeLessThanOrEqual(p.maxReplicas);
          const peak = Math.max(...state.history.filter((h) => h.t > i * 15_000 - 300_000).map((h) => h.replicas), next.decision.raw);
          if (next.decision.desired < before) expect(next.decision.desired).toBeGreaterThanOrEqual(Math.min(peak, before));
          state = next.state;
        });
      }),
      { seed, numRuns: 200 },
    );
  });
});
