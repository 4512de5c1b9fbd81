/**
 * The engine's machine definitions (xstate and the state-diagram generator) load lazily, with
 * mermaid, the first time the state-machines tab shows: the page's first load does not carry them.
 */
import type { MachineTimeline } from '../derive/machines.ts';
import { readableDiagram, type ReadableDiagram } from './readable-edges.ts';

export type Definitions = typeof import('../../../../engine/machines/definitions.ts');

let loading: Promise<Definitions> | null = null;

export function loadMachineDefinitions(): Promise<Definitions> {
  loading ??= import('../../../../engine/machines/definitions.ts');
  return loading;
}

/**
 * The diagram for a timeline at one of its states, or null when no definition fits its states: the
 * generator's mermaid text with one short-labelled arrow per pair of states (readable-edges.ts), and
 * what each arrow stands for.
 */
export function timelineDiagramNotes(defs: Definitions, timeline: MachineTimeline, state: string): ReadableDiagram | null {
  if (!defs.definitionFits(timeline.machine, timeline.states)) return null;
  const text = defs.machineDiagram(timeline.machine, state);
  return text === undefined ? null : readableDiagram(text);
}

/** The mermaid text the lab renders for a timeline at one of its states (see timelineDiagramNotes). */
export function timelineDiagram(defs: Definitions, timeline: MachineTimeline, state: string): string | null {
  return timelineDiagramNotes(defs, timeline, state)?.text ?? null;
}
