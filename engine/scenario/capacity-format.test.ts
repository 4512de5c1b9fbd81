/**
 * The capacity fields of the format: gateway.capacity (Kubernetes quantities) and the front
 * balancer's timeout. Absent fields stay absent (traces are hashed); mistakes name their line.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../core/errors.ts';
import { loadScenarioText } from './load.ts';
import { parseCpuMillicores, parseMemoryBytes } from './convert-capacity.ts';
import type { Scenario } from './types.ts';

const head = (gatewayExtra: string, top = ''): string => `id: x
title: t
topic: capacity
summary: s
start: 2026-01-01T12:00:00Z
duration: 10s
${top}gateway:
  config: { _format_version: "3.0" }
${gatewayExtra}clients:
  - id: app
    ip: 203.0.113.9
    request: { url: http://api.example.com/x }
    traffic: [ { constant: { rate: 5/s } } ]
`;

function load(text: string): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  return loadScenarioText(text, 'case.yaml', () => {
    throw new Error('no such file');
  });
}

describe('capacity quantities', () => {
  it('reads CPU as Kubernetes does', () => {
    expect(parseCpuMillicores('250m')).toBe(250);
    expect(parseCpuMillicores('1')).toBe(1000);
    expect(parseCpuMillicores(0.5)).toBe(500);
    expect(parseCpuMillicores('0m')).toBeUndefined();
    expect(parseCpuMillicores('a lot')).toBeUndefined();
  });

  it('reads memory with binary and decimal units', () => {
    expect(parseMemoryBytes('256Mi')).toBe(256 * 1024 * 1024);
    expect(parseMemoryBytes('1Gi')).toBe(1024 ** 3);
    expect(parseMemoryBytes('64Ki')).toBe(65536);
    expect(parseMemoryBytes('1G')).toBe(1e9);
    expect(parseMemoryBytes(1024)).toBe(1024);
    expect(parseMemoryBytes('lots')).toBeUndefined();
  });
});

describe('gateway.capacity and frontBalancer.timeout', () => {
  it('absent: no capacity, no front timeout, and the balancer string still works', () => {
    const s = load(head('', 'frontBalancer: ip-hash\n')).scenario as Scenario;
    expect(s.capacity).toBeUndefined();
    expect(s.frontTimeoutMs).toBeUndefined();
    expect(s.frontBalancer).toBe('ip-hash');
  });

  it('loads every field with its unit, defaults for the rest', () => {
    const r = load(head('  capacity: { cpu: 250m, memory: 256Mi, slots: 100, queue: 10, queueTimeout: 2s }\n', 'frontBalancer: { algorithm: random, timeout: 5s }\n'));
    expect(r.diagnostics).toEqual([]);
    const s = r.scenario as Scenario;
    expect(s.capacity).toEqual({
      cpuMillicores: 250,
      memoryBytes: 256 * 1024 * 1024,
      slots: 100,
      queue: 10,
      queueTimeoutMs: 2000,
      baseMemoryBytes: 106 * 1024 * 1024,
      memoryPerRequestBytes: 64 * 1024,
      restartAfterOomMs: 10_000,
    });
    expect(s.frontBalancer).toBe('random');
    expect(s.frontTimeoutMs).toBe(5000);
  });

  it('a bad quantity, a base that cannot fit, and an unknown field are errors at their line', () => {
    const codes = (text: string): string[] => load(text).diagnostics.map((d) => `${d.loc?.line} ${d.code}`);
    expect(codes(head('  capacity: { cpu: 2 cores }\n'))).toEqual(['9 GL_E_SCHEMA']);
    expect(codes(head('  capacity: { cpu: 1, memory: 100Mi }\n'))).toEqual(['9 GL_E_SCHEMA']);
    expect(codes(head('  capacity: { cpu: 1, slot: 3 }\n'))).toEqual(['9 GL_E_UNKNOWN_FIELD']);
  });
});
