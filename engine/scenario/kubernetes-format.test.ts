/**
 * The Kubernetes fields of the format: `kubernetes.files` (a Deployment, patches, an HPA, a PDB),
 * and the deploy and drain events. The replica count comes from the Deployment; mistakes name their line.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/errors.ts';
import { loadScenarioText } from './load.ts';
import type { Scenario } from './types.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: gw, namespace: ns }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: gw } }
    spec:
      containers: [ { name: gateway, image: kong } ]
`;
const PATCH = `spec:
  template:
    spec:
      containers:
        - name: gateway
          lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } }
`;
const FILES: Record<string, string> = { 'dep.yaml': DEPLOYMENT, 'patch.yaml': PATCH };

const text = (top: string, events = ''): string => `id: x
title: t
topic: capacity
summary: s
start: 2026-01-01T12:00:00Z
duration: 30s
${top}gateway:
  config: { _format_version: "3.0" }
clients:
  - id: app
    ip: 203.0.113.9
    request: { url: http://api.example.com/x }
    traffic: [ { constant: { rate: 5/s } } ]
${events}`;

function load(t: string): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  return loadScenarioText(t, 'case.yaml', (path) => {
    const f = FILES[path.replace(/^.*\//, '')];
    if (f === undefined) throw new Error('no such file');
    return f;
  });
}

const errors = (r: { diagnostics: Diagnostic[] }): string[] => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.loc?.line}: ${d.message}`);

describe('kubernetes in the scenario format', () => {
  it('reads the Deployment, applies the patch, and takes the replica count from it', () => {
    const r = load(text('kubernetes:\n  files: [dep.yaml, patch.yaml]\n  nodes: [n1, n2]\n'));
    expect(errors(r)).toEqual([]);
    expect(r.scenario?.replicas).toBe(2);
    expect(r.scenario?.kubernetes?.deployment.containers[0]?.preStop).toMatchObject({ kind: 'sleep', ms: 5000 });
    expect(r.scenario?.kubernetes?.placement).toBe('spread');
    expect(r.scenario?.kubernetes?.endpointRemovalLagMs).toBe(2000);
  });

  it('reads deploy and drain events', () => {
    const r = load(text('kubernetes:\n  files: [dep.yaml]\n  nodes: [n1, n2]\n', 'events:\n  - at: 5s\n    deploy: {}\n  - at: 9s\n    drain: { node: n2 }\n'));
    expect(errors(r)).toEqual([]);
    expect(r.scenario?.events).toEqual([{ kind: 'deploy', atMs: 5000 }, { kind: 'drain', atMs: 9000, node: 'n2' }]);
  });

  it('refuses a deploy without a workload, an unknown node and a replicas count that disagrees', () => {
    expect(errors(load(text('', 'events:\n  - at: 5s\n    deploy: {}\n')))).toEqual([expect.stringContaining("needs the gateway's Kubernetes workload")]);
    expect(errors(load(text('kubernetes:\n  files: [dep.yaml]\n  nodes: [n1, n2]\n', 'events:\n  - at: 5s\n    drain: { node: n3 }\n')))).toEqual([expect.stringContaining("unknown node 'n3'")]);
    expect(errors(load(text('replicas: 3\nkubernetes:\n  files: [dep.yaml]\n')))).toEqual([expect.stringContaining("disagrees with the Deployment's 2")]);
  });

  it('leaves scenarios without kubernetes as they were', () => {
    const r = load(text('replicas: 2\n'));
    expect(errors(r)).toEqual([]);
    expect(r.scenario && 'kubernetes' in r.scenario).toBe(false);
  });
});
