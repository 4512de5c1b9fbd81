/**
 * The state machines the engine has an xstate definition for, by the machine name their
 * `breaker.transition` trace events carry, with how the trace spells each state. The lab draws a
 * machine's state diagram from its definition (engine/diagram/state-diagram.ts) and highlights the
 * state a trace is in; a machine without a definition here (outlier-detection, passive-health, …)
 * still has its timeline, drawn from the trace alone.
 *
 * Browser-safe: xstate and the machines' pure modules only. The lab imports this lazily, with mermaid.
 */
import { stateDiagram } from '../diagram/state-diagram.ts';
import { machineGraph, type MachineLike } from '../diagram/machine-graph.ts';
import { breakerMachine } from './circuit-breaker/machine.ts';
import { PHASE_NAMES, type Phase } from './circuit-breaker/state.ts';
import { rolloutMachine } from './rollout/machine.ts';

export interface MachineDefinition {
  /** The xstate machine (or config) the diagram is drawn from. */
  machine: MachineLike;
  /** A title for the diagram. */
  title: string;
  /** Trace state name → the machine's state (its key, or a dotted path for a nested one). */
  states: Readonly<Record<string, string>>;
}

/** resilience4j's spelling in the trace (OPEN) → the machine's state key (open). */
const breakerStates: Record<string, string> = Object.fromEntries(
  (Object.entries(PHASE_NAMES) as Array<[Phase, string]>).map(([phase, name]) => [name, phase]),
);

/** The rollout's statuses are its machine's states, spelt the same in the trace. */
const rolloutStates: Record<string, string> = Object.fromEntries(
  ['progressing', 'paused', 'promoted', 'rolledBack'].map((s) => [s, s]),
);

export const MACHINE_DEFINITIONS: Readonly<Record<string, MachineDefinition>> = {
  'circuit-breaker': { machine: breakerMachine, title: 'circuit breaker (resilience4j)', states: breakerStates },
  'canary-rollout': { machine: rolloutMachine, title: 'canary rollout', states: rolloutStates },
};

const normal = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The machine state a trace state name stands for: the definition's own table first, then a state of
 * the machine whose key is the same word in another spelling (HALF_OPEN ↔ halfOpen ↔ half_open).
 * Undefined when the machine has no definition or no such state.
 */
export function machineStateOf(machine: string, traceState: string): string | undefined {
  const def = MACHINE_DEFINITIONS[machine];
  if (!def) return undefined;
  const mapped = def.states[traceState];
  if (mapped !== undefined) return mapped;
  const wanted = normal(traceState);
  const hits = machineGraph(def.machine).nodes.filter((n) => n.parent && normal(n.key) === wanted);
  return hits.length === 1 ? hits[0]?.path.join('.') : undefined;
}

/**
 * Whether a definition describes a machine whose trace used these states: each must map to one of
 * its states. Two engines may name different machines alike (Traefik's breaker, with standby /
 * tripped / recovering, is also 'circuit-breaker'); then the diagram would be of another machine.
 */
export function definitionFits(machine: string, traceStates: readonly string[]): boolean {
  return MACHINE_DEFINITIONS[machine] !== undefined && traceStates.every((s) => machineStateOf(machine, s) !== undefined);
}

/**
 * The mermaid stateDiagram-v2 text for a machine, with the trace state highlighted when it maps. The
 * boxes carry the state names, not their descriptions: mermaid 11 draws a state that has a single
 * description line with that line in place of its name, and the name is what the trace and the
 * timeline say. `stateDescriptions` gives the descriptions to show beside the diagram.
 */
export function machineDiagram(machine: string, traceState?: string): string | undefined {
  const def = MACHINE_DEFINITIONS[machine];
  if (!def) return undefined;
  const highlight = traceState === undefined ? undefined : machineStateOf(machine, traceState);
  return stateDiagram(def.machine, { title: def.title, descriptions: false, ...(highlight !== undefined ? { highlight } : {}) });
}

/** Each state of a machine's definition (dotted path) with its description, in definition order. */
export function stateDescriptions(machine: string): Array<{ state: string; description: string }> {
  const def = MACHINE_DEFINITIONS[machine];
  if (!def) return [];
  return machineGraph(def.machine).nodes.flatMap((n) => (n.parent && n.config.description ? [{ state: n.path.join('.'), description: n.config.description }] : []));
}
