/**
 * The edges of an xstate machine as stable names ("paused:observe#2 → progressing [resumes]"), so
 * a test can prove every declared transition is taken at least once, and a reader can list them.
 */
import type { AnyStateMachine, AnyTransitionDefinition } from 'xstate';

/** One name per declared transition: source, event, position in the candidate list, target, guard. */
export function edgeName(t: AnyTransitionDefinition): string {
  const candidates = t.source.transitions.get(t.eventType) ?? [];
  const index = candidates.indexOf(t);
  const target = t.target?.map((n) => n.key).join(',') ?? t.source.key;
  const guard = t.guard === undefined ? '' : ` [${typeof t.guard === 'string' ? t.guard : typeof t.guard === 'object' && t.guard && 'type' in t.guard ? String(t.guard.type) : 'inline'}]`;
  return `${t.source.key}:${t.eventType}#${index} → ${target}${guard}`;
}

/** Every transition declared on the machine's top-level states, in document order. */
export function machineEdges(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  for (const node of Object.values(machine.root.states)) {
    for (const list of node.transitions.values()) for (const t of list) out.push(edgeName(t));
  }
  return out;
}
