/**
 * The engine's machine definitions (xstate and the state-diagram generator) load lazily, with
 * mermaid, the first time the state-machines tab shows: the page's first load does not carry them.
 */
import type { MachineTimeline } from '../derive/machines.ts';

export type Definitions = typeof import('../../../../engine/machines/definitions.ts');

let loading: Promise<Definitions> | null = null;

export function loadMachineDefinitions(): Promise<Definitions> {
  loading ??= import('../../../../engine/machines/definitions.ts');
  return loading;
}

/** The mermaid text for a timeline at one of its states, or null when no definition fits its states. */
export function timelineDiagram(defs: Definitions, timeline: MachineTimeline, state: string): string | null {
  if (!defs.definitionFits(timeline.machine, timeline.states)) return null;
  return defs.machineDiagram(timeline.machine, state) ?? null;
}
