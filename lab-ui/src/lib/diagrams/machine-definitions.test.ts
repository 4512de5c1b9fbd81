// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../../../engine/diagram/machine-graph.ts';
import { PHASE_NAMES } from '../../../../engine/machines/circuit-breaker/state.ts';
import { definitionFits, machineDiagram, MACHINE_DEFINITIONS, machineStateOf, stateDescriptions } from '../../../../engine/machines/definitions.ts';
import { buildMachineTimelines } from '../derive/machines.ts';
import { loadMachineDefinitions, timelineDiagram } from './machine-definitions.ts';

describe('machine definitions: trace state names ↔ machine states', () => {
  it('maps resilience4j’s spelling in the trace to the breaker machine’s states', () => {
    expect(machineStateOf('circuit-breaker', 'CLOSED')).toBe('closed');
    expect(machineStateOf('circuit-breaker', 'OPEN')).toBe('open');
    expect(machineStateOf('circuit-breaker', 'HALF_OPEN')).toBe('half_open');
    for (const name of Object.values(PHASE_NAMES)) expect(machineStateOf('circuit-breaker', name), name).toBeDefined();
  });

  it('maps the rollout statuses to the rollout machine’s states, spelt the same', () => {
    for (const s of ['progressing', 'paused', 'promoted', 'rolledBack']) expect(machineStateOf('canary-rollout', s)).toBe(s);
  });

  it('falls back to the same word in another spelling, and answers undefined for anything else', () => {
    expect(machineStateOf('circuit-breaker', 'halfOpen')).toBe('half_open');
    expect(machineStateOf('circuit-breaker', 'standby')).toBeUndefined();
    expect(machineStateOf('outlier-detection', 'ejected')).toBeUndefined();
  });

  it('every mapped state exists in its machine, and every state of the machine has a trace name', () => {
    for (const [name, def] of Object.entries(MACHINE_DEFINITIONS)) {
      const paths = machineGraph(def.machine).nodes.filter((n) => n.parent && n.children.length === 0).map((n) => n.path.join('.'));
      expect([...new Set(Object.values(def.states))].sort(), name).toEqual([...paths].sort());
    }
  });

  it('a definition fits a timeline only when each of its states maps (Traefik’s breaker shares the name)', () => {
    expect(definitionFits('circuit-breaker', ['CLOSED', 'OPEN', 'HALF_OPEN'])).toBe(true);
    expect(definitionFits('circuit-breaker', ['standby', 'tripped'])).toBe(false);
    expect(definitionFits('passive-health', ['healthy', 'unhealthy'])).toBe(false);
  });

  it('draws the diagram with the trace state highlighted', () => {
    const text = machineDiagram('circuit-breaker', 'OPEN');
    expect(text).toContain('stateDiagram-v2');
    expect(text).toContain('class open current');
    expect(machineDiagram('canary-rollout', 'paused')).toContain('class paused current');
    expect(machineDiagram('circuit-breaker', 'no-such-state')).not.toContain('current');
    expect(machineDiagram('outlier-detection', 'ejected')).toBeUndefined();
    // Names in the boxes (mermaid would show a lone description instead); descriptions beside them.
    expect(text).not.toContain('calls fail fast');
    expect(stateDescriptions('circuit-breaker').map((d) => d.state)).toEqual(['closed', 'open', 'half_open']);
    expect(stateDescriptions('circuit-breaker')[1]?.description).toContain('fail fast');
    expect(stateDescriptions('outlier-detection')).toEqual([]);
  });
});

describe('timelineDiagram (lab side)', () => {
  const move = (machine: string, from: string, to: string) => ({ type: 'breaker.transition' as const, t: 10, replica: 'gw-0', machine, subject: 's', from, to, reason: 'r' });
  it('gives a diagram for a timeline whose states fit a definition, none otherwise', async () => {
    const defs = await loadMachineDefinitions();
    const [r4j, traefik, outlier] = buildMachineTimelines([
      move('circuit-breaker', 'CLOSED', 'OPEN'),
      { ...move('circuit-breaker', 'standby', 'tripped'), subject: 't' },
      move('outlier-detection', 'healthy', 'ejected'),
    ]);
    expect(timelineDiagram(defs, r4j!, 'OPEN')).toContain('class open current');
    expect(timelineDiagram(defs, traefik!, 'tripped')).toBeNull();
    expect(timelineDiagram(defs, outlier!, 'ejected')).toBeNull();
  });
});
