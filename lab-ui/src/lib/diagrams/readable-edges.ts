/**
 * State diagrams a student can read. The engine's generator (engine/diagram/state-diagram.ts) writes
 * one arrow per xstate transition, labelled "event [guard]": the canary rollout has two arrows from
 * progressing to rolledBack ("tick [rollsBack]", "observe [rollsBack]") and mermaid drew their labels
 * over each other. Here the arrows between the same two states become one, labelled with the guards
 * only (the condition: what a student asks "why did it move?"); which events check that condition is
 * the detail, listed under the diagram and on hover. The machine stays the single source: this only
 * regroups the generator's lines.
 */

export interface EdgeNote {
  /** Mermaid ids of the two states ([*] for start and end). */
  from: string;
  to: string;
  /** The short label drawn on the arrow. */
  label: string;
  /** Every transition the arrow stands for: "on tick or observe, if rollsBack". */
  detail: string;
}

export interface ReadableDiagram {
  text: string;
  edges: EdgeNote[];
}

const EDGE = /^(\s*)(\[\*\]|[A-Za-z_][A-Za-z0-9_]*) --> (\[\*\]|[A-Za-z_][A-Za-z0-9_]*) : (.+)$/;
/** "event [guard]" with an optional "(a → b)" the generator adds for an arrow between composites. */
const LABEL = /^(.*?)(?: \[(.+?)\])?(?: (\(.+\)))?$/;

interface Group {
  indent: string;
  from: string;
  to: string;
  /** guard (or '' for none) → the events that check it, in order. */
  guards: Map<string, string[]>;
  /** The "(a → b)" suffixes, kept: they say which inner states the arrow joins. */
  inner: string[];
}

const or = (list: readonly string[]): string => (list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`);

function labelOf(g: Group): string {
  // The conditions name the arrow; an arrow without any (an event alone) is named by its events.
  const guards = [...g.guards.keys()].filter((k) => k !== '');
  const events = g.guards.get('') ?? [];
  const parts = [...guards, ...(events.length ? [events.join(' / ')] : [])];
  return [parts.join(' / '), ...g.inner].join(' ');
}

function detailOf(g: Group): string {
  return [...g.guards].map(([guard, events]) => (guard === '' ? `on ${or(events)}` : `${guard} (checked on ${or(events)})`)).join('; ');
}

/** Regroups a stateDiagram-v2 text: one labelled arrow per pair of states, at the first one's place. */
export function readableDiagram(text: string): ReadableDiagram {
  const lines = text.split('\n');
  const groups = new Map<string, Group>();
  const out: Array<string | Group> = [];
  for (const line of lines) {
    const m = EDGE.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const [, indent = '', from = '', to = '', label = ''] = m;
    const key = `${indent}\u0000${from}\u0000${to}`;
    let g = groups.get(key);
    if (!g) {
      g = { indent, from, to, guards: new Map(), inner: [] };
      groups.set(key, g);
      out.push(g);
    }
    const [, event = label, guard = '', inner] = LABEL.exec(label) ?? [];
    const events = g.guards.get(guard) ?? [];
    if (!events.includes(event)) events.push(event);
    g.guards.set(guard, events);
    if (inner && !g.inner.includes(inner)) g.inner.push(inner);
  }
  const edges: EdgeNote[] = [];
  const text2 = out.map((item) => {
    if (typeof item === 'string') return item;
    const note = { from: item.from, to: item.to, label: labelOf(item), detail: detailOf(item) };
    edges.push(note);
    return `${item.indent}${item.from} --> ${item.to} : ${note.label}`;
  });
  return { text: text2.join('\n'), edges };
}

/** The states' mermaid ids back to the names a student reads ("half_open" → "half_open"; "[*]" → start / end). */
export function edgeEnds(e: EdgeNote): string {
  const name = (id: string, end: boolean): string => (id === '[*]' ? (end ? 'end' : 'start') : id);
  return `${name(e.from, false)} → ${name(e.to, true)}`;
}
