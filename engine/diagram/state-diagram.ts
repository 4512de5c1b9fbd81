/**
 * Mermaid `stateDiagram-v2` text from an xstate machine's definition: its states (nested ones as
 * composite states, parallel regions split by `--`), the initial state, and every transition labelled
 * with its event and guard — "result [tripped]", "always [maxWaitElapsed]". The machine is the single
 * source: the lab renders this text, so the picture cannot drift from the code that runs.
 *
 * Generic on purpose (the breaker and the canary rollout both use it). Transitions that do not change
 * state (actions only) are left out unless `selfTransitions` is set: they carry no arrow a student
 * needs. A targeted transition defined on the machine's root applies in every top-level state, so it
 * is drawn from each of them.
 */
import { initialChild, machineGraph, type GraphEdge, type GraphNode, type MachineLike } from './machine-graph.ts';

export type { MachineLike, StateConfigLike } from './machine-graph.ts';

export interface StateDiagramOptions {
  /** The current state, marked with the `current` class: its key, or a dotted path ('rollout.paused'). */
  highlight?: string;
  /** A title above the diagram (mermaid front matter). */
  title?: string;
  /** Draw transitions that stay in their state (targetless or to itself); default false. */
  selfTransitions?: boolean;
  /** Write each state's `description` in its box; default true. */
  descriptions?: boolean;
}

/** The class a highlighted state gets; the lab may restyle it. */
export const CURRENT_CLASS = 'classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px';

/** Mermaid ids: letters, digits and '_' only; nested states are prefixed by their parents. */
function mermaidIds(nodes: readonly GraphNode[]): Map<GraphNode, string> {
  const ids = new Map<GraphNode, string>();
  const used = new Set<string>();
  for (const node of nodes) {
    if (!node.parent) continue;
    const base = node.path.map((k) => k.replace(/[^A-Za-z0-9_]/g, '_')).join('__') || '_';
    let id = /^[A-Za-z_]/.test(base) ? base : `s_${base}`;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(node, id);
  }
  return ids;
}

/** Mermaid ends a statement at ';' and reads '#' as an entity; neither may reach a label. */
const clean = (text: string): string => text.replace(/;/g, ',').replace(/#/g, '').replace(/\s+/g, ' ').trim();

const label = (edge: GraphEdge): string => clean(edge.guard !== undefined ? `${edge.event} [${edge.guard}]` : edge.event);

function findNode(nodes: readonly GraphNode[], wanted: string): GraphNode {
  const byPath = nodes.find((n) => n.parent && n.path.join('.') === wanted);
  if (byPath) return byPath;
  const byKey = nodes.filter((n) => n.parent && n.key === wanted);
  if (byKey.length === 1) return byKey[0] as GraphNode;
  const known = nodes.filter((n) => n.parent).map((n) => n.path.join('.'));
  const why = byKey.length > 1 ? `'${wanted}' names several states; use a dotted path` : `no state '${wanted}'`;
  throw new Error(`state diagram: ${why} (states: ${known.join(', ')})`);
}

/** Whether `node` lies strictly inside `block`. */
function isInside(node: GraphNode, block: GraphNode): boolean {
  for (let n = node.parent; n; n = n.parent) if (n === block) return true;
  return false;
}

/** The child of `block` that is `node` or contains it. */
function childOnPath(block: GraphNode, node: GraphNode): GraphNode {
  let n = node;
  while (n.parent && n.parent !== block) n = n.parent;
  return n;
}

export function stateDiagram(machine: MachineLike, opts: StateDiagramOptions = {}): string {
  const graph = machineGraph(machine);
  const ids = mermaidIds(graph.nodes);
  const id = (n: GraphNode): string => ids.get(n) as string;
  const lines: string[] = [];

  // Each edge is written in the block of the innermost state that contains both ends: mermaid cannot
  // join states inside two different composites, so such an edge joins their boxes at that level.
  const placed = graph.edges.flatMap((edge) => {
    if (edge.source === graph.root) return [];
    const target = edge.target ?? edge.source;
    if (target === edge.source && !opts.selfTransitions) return [];
    let block = edge.source.parent as GraphNode;
    while (block.parent && !isInside(target, block)) block = block.parent;
    const from = childOnPath(block, edge.source);
    const to = target === edge.source ? from : childOnPath(block, target);
    const inner = from !== edge.source || to !== target ? ` ${clean(`(${edge.source.key} → ${target.key})`)}` : '';
    return [{ block, line: `${id(from)} --> ${id(to)} : ${label(edge)}${inner}` }];
  });
  const edgeLines = (block: GraphNode, indent: string): string[] => placed.filter((p) => p.block === block).map((p) => `${indent}${p.line}`);

  const block = (node: GraphNode, indent: string): void => {
    const parallel = node.config.type === 'parallel';
    const first = initialChild(node);
    if (first && !parallel) lines.push(`${indent}[*] --> ${id(first)}`);
    node.children.forEach((child, i) => {
      if (parallel && i > 0) lines.push(`${indent}--`);
      const named = child.key !== id(child);
      if (child.children.length > 0) {
        lines.push(`${indent}state ${named ? `"${clean(child.key)}" as ` : ''}${id(child)} {`);
        block(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else if (named || (opts.descriptions !== false && child.config.description)) {
        // Mermaid draws a state with one description line as that line alone; declaring its name
        // first keeps the name as the box's title, with the description under it.
        lines.push(`${indent}state "${clean(child.key)}" as ${id(child)}`);
      }
      if (opts.descriptions !== false && child.config.description) lines.push(`${indent}${id(child)} : ${clean(child.config.description)}`);
      if (child.config.type === 'final') lines.push(`${indent}${id(child)} --> [*]`);
    });
    lines.push(...edgeLines(node, indent));
  };

  if (opts.title !== undefined) lines.push('---', `title: ${JSON.stringify(opts.title)}`, '---');
  lines.push('stateDiagram-v2');
  if (graph.root.config.type === 'parallel') {
    // Mermaid reads `--` (region separator) only inside a composite state: wrap a parallel root in one.
    lines.push(`  state "${clean(graph.root.config.id ?? 'machine')}" as machine__ {`);
    block(graph.root, '    ');
    lines.push('  }');
  } else {
    block(graph.root, '  ');
  }
  // A root transition with a target leaves every top-level state for it.
  for (const edge of graph.edges.filter((e) => e.source === graph.root && e.target)) {
    for (const state of graph.root.children) {
      if (state !== edge.target && state.config.type !== 'final') lines.push(`  ${id(state)} --> ${id(edge.target as GraphNode)} : ${label(edge)}`);
    }
  }
  if (opts.highlight !== undefined) lines.push(`  ${CURRENT_CLASS}`, `  class ${id(findNode(graph.nodes, opts.highlight))} current`);
  return `${lines.join('\n')}\n`;
}
