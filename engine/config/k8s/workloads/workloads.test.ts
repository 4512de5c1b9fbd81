/**
 * The lesson's snippets 12 (PDB), 13 (HPA) and 14 (a Deployment fragment) read unchanged, with their
 * quirks reported at file:line:column, and snippet 14 applied as a strategic-merge patch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../core/errors.ts';
import { parseYaml } from '../../yaml-source.ts';
import { LESSON_SNIPPETS } from '../../../../test/support/lesson.ts';
import { applyStrategicMergePatch, desiredHealthy, readDeploymentDoc, readWorkloads } from './index.ts';

const snippet = (name: string) => parseYaml(readFileSync(join(LESSON_SNIPPETS, name), 'utf8'), name).docs;
const yaml = (text: string, file = 'gateway.yaml') => parseYaml(text, file).docs;
const said = (d: Parameters<typeof formatDiagnostic>[0][]) => d.map(formatDiagnostic);

/** A complete gateway Deployment the lesson implies but never shows (snippet 14 patches it). */
const BASE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
  namespace: gateway-system
spec:
  replicas: 3
  selector:
    matchLabels: { app: gateway }
  template:
    metadata:
      labels: { app: gateway }
    spec:
      containers:
        - name: gateway
          image: kong:3.9
          resources:
            requests: { cpu: 250m, memory: 256Mi }
            limits: { cpu: "1", memory: 1Gi }
          readinessProbe:
            httpGet: { path: /status, port: 8100 }
            initialDelaySeconds: 5
            periodSeconds: 10
        - name: sidecar
          image: busybox
`;

describe('Deployment', () => {
  it('reads replicas, the defaults of strategy and grace period, resources and the readiness probe', () => {
    const w = readWorkloads(yaml(BASE));
    expect(w.diagnostics).toEqual([]);
    const d = w.deployments[0]?.spec;
    expect(d).toMatchObject({
      name: 'gateway',
      namespace: 'gateway-system',
      replicas: 3,
      strategy: { type: 'RollingUpdate', maxSurge: { kind: 'percent', value: 25 }, maxUnavailable: { kind: 'percent', value: 25 } },
      terminationGracePeriodMs: 30_000,
      podLabels: { app: 'gateway' },
    });
    expect(d?.containers[0]).toEqual({ name: 'gateway', cpuRequestMillis: 250, cpuLimitMillis: 1000, memoryRequestBytes: 268_435_456, memoryLimitBytes: 1_073_741_824, readiness: { initialDelayMs: 5000, periodMs: 10_000, failureThreshold: 3, successThreshold: 1 } });
  });

  it('refuses what the API server refuses, at the value', () => {
    const bad = BASE.replace('  replicas: 3\n', '  replicas: 3\n  strategy:\n    rollingUpdate: { maxSurge: 0, maxUnavailable: "0%" }\n').replace('cpu: 250m, memory', 'cpu: 2, memory');
    const w = readWorkloads(yaml(bad));
    expect(said(w.diagnostics)).toEqual([
      'gateway.yaml:9:51: error GL_E_CONFIG_INVALID: maxUnavailable may not be 0 when maxSurge is 0: the rollout could never start (set maxSurge: 1 (one extra pod during the rollout))',
      'gateway.yaml:20:30: error GL_E_CONFIG_INVALID: requests.cpu must be less than or equal to limits.cpu',
    ]);
  });

  it('reads preStop as exec sleep (shell or not, with a unit) or the sleep action', () => {
    const hooks = ['exec: { command: ["sleep", "5"] }', 'exec: { command: ["/bin/sh", "-c", "sleep 1m"] }', 'sleep: { seconds: 7 }'];
    const got = hooks.map((h) => readDeploymentDoc(yaml(BASE.replace('          image: kong:3.9\n', `          image: kong:3.9\n          lifecycle:\n            preStop: { ${h} }\n`))[0]!).spec?.containers[0]?.preStop);
    expect(got).toEqual([
      { kind: 'sleep', ms: 5000, via: 'exec' },
      { kind: 'sleep', ms: 60_000, via: 'exec' },
      { kind: 'sleep', ms: 7000, via: 'sleep-action' },
    ]);
  });
});

describe.skipIf(!existsSync(LESSON_SNIPPETS))('the lesson’s snippets, unchanged', () => {
  it('12: a PDB with minAvailable 1 for app=kong-gateway in kong-system', () => {
    const w = readWorkloads(snippet('12-kong-pdb.yaml'));
    expect(w.diagnostics).toEqual([]);
    const pdb = w.pdbs[0]!.spec;
    expect(pdb).toMatchObject({ name: 'kong-pdb', namespace: 'kong-system', selector: { app: 'kong-gateway' }, budget: { field: 'minAvailable', value: { kind: 'int', value: 1 } } });
    expect(desiredHealthy(pdb, 3)).toBe(1);
  });

  it('12 over a single-replica Deployment it selects: no eviction is ever allowed', () => {
    const one = BASE.replaceAll('gateway-system', 'kong-system').replaceAll('{ app: gateway }', '{ app: kong-gateway }').replace('replicas: 3', 'replicas: 1');
    const w = readWorkloads([...snippet('12-kong-pdb.yaml'), ...yaml(one)]);
    expect(said(w.diagnostics)).toEqual([
      '12-kong-pdb.yaml:9:17: warning GL_W_NO_EFFECT: with 1 replica(s) of gateway and 1 that must stay healthy, no eviction is ever allowed: kubectl drain retries every 5 s and waits forever (run at least 2 replicas, or lower the budget)',
    ]);
  });

  it('13: an HPA of 2–10 replicas at 60 % CPU with the default stabilisation windows', () => {
    const w = readWorkloads(snippet('13-gateway-hpa.yaml'));
    expect(w.diagnostics).toEqual([]);
    expect(w.hpas[0]?.spec).toMatchObject({ name: 'gateway-hpa', namespace: 'gateway-system', target: { kind: 'Deployment', name: 'gateway' }, minReplicas: 2, maxReplicas: 10, cpuTargetPercent: 60, scaleUpStabilizationMs: 0, scaleDownStabilizationMs: 300_000 });
  });

  it('13 needs CPU requests on every container of its Deployment, and 12 sits in another namespace', () => {
    const w = readWorkloads([...snippet('13-gateway-hpa.yaml'), ...yaml(BASE)]);
    expect(said(w.diagnostics)).toEqual([
      '13-gateway-hpa.yaml:16:5: warning GL_W_NO_EFFECT: HorizontalPodAutoscaler gateway-hpa targets CPU Utilization, but container(s) sidecar of Deployment gateway set no requests.cpu; the HPA reports FailedGetResourceMetric ("missing request for cpu") and never scales (set resources.requests.cpu (for example 250m) on every container)',
    ]);
    const both = readWorkloads([...snippet('12-kong-pdb.yaml'), ...snippet('13-gateway-hpa.yaml')]);
    expect(said(both.diagnostics)).toEqual([
      '12-kong-pdb.yaml:7:14: warning GL_W_LESSON_DIFFERS: PodDisruptionBudget kong-pdb is in namespace kong-system, the HorizontalPodAutoscaler(s) in gateway-system: they cannot protect and scale the same gateway Deployment (use one namespace for the gateway\'s Deployment, PDB and HPA)',
    ]);
  });

  it('14: a fragment without apiVersion or kind, kept as a patch and said so at its first key', () => {
    const w = readWorkloads(snippet('14-deployment-prestop-fragment.yaml'));
    expect(w.patches).toHaveLength(1);
    expect(w.deployments).toEqual([]);
    expect(said(w.diagnostics)[0]).toMatch(/^14-deployment-prestop-fragment\.yaml:3:1: warning GL_W_LESSON_DIFFERS: this document has no apiVersion or kind/);
  });

  it('14 patched onto the Deployment: grace 60 s and a 15 s preStop sleep on the gateway container only', () => {
    const base = yaml(BASE)[0]!;
    const patched = applyStrategicMergePatch(base, snippet('14-deployment-prestop-fragment.yaml')[0]!);
    expect(patched.diagnostics).toEqual([]);
    const { spec, diagnostics } = readDeploymentDoc(patched.doc);
    expect(diagnostics).toEqual([]);
    expect(spec?.terminationGracePeriodMs).toBe(60_000);
    expect(spec?.containers.map((c) => [c.name, c.preStop, c.cpuRequestMillis])).toEqual([
      ['gateway', { kind: 'sleep', ms: 15_000, via: 'exec' }, 250],
      ['sidecar', undefined, undefined],
    ]);
    // Each merged value still points at the file that wrote it.
    expect(patched.doc.map.locate(['spec', 'template', 'spec', 'containers', 0, 'lifecycle', 'preStop', 'exec', 'command'])).toEqual({ file: '14-deployment-prestop-fragment.yaml', line: 12, col: 26 });
    expect(patched.doc.map.locate(['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({ file: 'gateway.yaml', line: 16, col: 18 });
  });
});

describe('strategic-merge patch', () => {
  it('merges containers by name, appends new ones, replaces other lists, and null deletes', () => {
    const base = yaml('apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      tolerations: [{ key: a }]\n      containers:\n        - { name: a, image: x, args: ["1"] }\n')[0]!;
    const patch = yaml('spec:\n  template:\n    spec:\n      tolerations: [{ key: b }]\n      containers:\n        - { name: a, image: null, args: ["2"] }\n        - { name: b, image: y }\n', 'patch.yaml')[0]!;
    const r = applyStrategicMergePatch(base, patch);
    expect(r.diagnostics).toEqual([]);
    expect(r.doc.value).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'a', args: ['2'] }, { name: 'b', image: 'y' }] } } } });
    expect(r.doc.map.locate(['spec', 'template', 'spec', 'containers', 1, 'image']).file).toBe('patch.yaml');
  });

  it('refuses a patch of another kind, and a list item without its merge key', () => {
    const base = yaml(BASE)[0]!;
    expect(said(applyStrategicMergePatch(base, yaml('kind: StatefulSet\n', 'p.yaml')[0]!).diagnostics)).toEqual(['p.yaml:1:7: error GL_E_VARIANT: the patch says kind: StatefulSet but the target is Deployment']);
    const noName = applyStrategicMergePatch(base, yaml('spec:\n  template:\n    spec:\n      containers:\n        - image: y\n', 'p.yaml')[0]!);
    expect(said(noName.diagnostics)[0]).toContain('p.yaml:5:11: error GL_E_VARIANT: a list item in containers needs its merge key "name"');
  });
});
