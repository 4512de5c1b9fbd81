/**
 * An xstate machine definition read as a graph: its states (nested, with their paths) and every
 * transition with its event, guard and resolved target. Read from the config the machine was created
 * with, not from xstate internals, so any machine — or a plain config object — can be drawn, and the
 * tests can ask which edges exist. Targets resolve as xstate v5 resolves them: 'sibling',
 * 'sibling.child', '.child' (relative to the source), '#id' or '#machineId.path'.
 */

/** The fields of an xstate StateNodeConfig that the graph reads. */
export interface StateConfigLike {
  id?: string;
  type?: string;
  initial?: unknown;
  description?: string;
  states?: Record<string, StateConfigLike>;
  on?: Record<string, unknown>;
  always?: unknown;
  after?: Record<string, unknown>;
  onDone?: unknown;
  invoke?: unknown;
}

/** A machine (xstate's `createMachine` result keeps its config) or a machine config itself. */
export type MachineLike = { config: unknown } | StateConfigLike;

export interface GraphNode {
  key: string;
  /** Keys from the root down ([] for the root). */
  path: string[];
  config: StateConfigLike;
  parent: GraphNode | undefined;
  children: GraphNode[];
}

export interface GraphEdge {
  source: GraphNode;
  /** Undefined for a targetless transition (actions only, no state change). */
  target: GraphNode | undefined;
  /** The event type; 'always' for eventless, 'after 5000' for delayed, 'done' / 'error' for onDone / onError. */
  event: string;
  guard: string | undefined;
}

export interface MachineGraph {
  root: GraphNode;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function machineConfigOf(machine: MachineLike): StateConfigLike {
  // A plain config has no `config` key; a machine has one (and `root`, `states`, … besides).
  const config = 'config' in machine && isRecord(machine.config) ? machine.config : machine;
  return config as StateConfigLike;
}

/** A guard's name as a label: 'name', a parameterised guard's type, `a && b`, `!a`. */
export function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (isRecord(guard) && typeof guard['type'] === 'string') return guard['type'];
  if (typeof guard === 'function') {
    const inner = (guard as { guards?: unknown }).guards;
    if (Array.isArray(inner)) {
      const names = inner.map((g) => guardName(g) ?? 'guard');
      if (guard.name === 'not') return `!${names[0]}`;
      if (guard.name === 'and' || guard.name === 'or') return names.join(guard.name === 'and' ? ' && ' : ' || ');
    }
    return guard.name || 'guard';
  }
  return 'guard';
}

function buildNode(key: string, config: StateConfigLike, parent: GraphNode | undefined, all: GraphNode[]): GraphNode {
  const node: GraphNode = { key, path: parent ? [...parent.path, key] : [], config, parent, children: [] };
  all.push(node);
  for (const [childKey, child] of Object.entries(config.states ?? {})) node.children.push(buildNode(childKey, child, node, all));
  return node;
}

function descend(from: GraphNode, keys: readonly string[]): GraphNode | undefined {
  let node: GraphNode | undefined = from;
  for (const k of keys) node = node?.children.find((c) => c.key === k);
  return node;
}

/** The initial child of a compound node. */
export function initialChild(node: GraphNode): GraphNode | undefined {
  const initial = node.config.initial;
  const target = typeof initial === 'string' ? initial : isRecord(initial) && typeof initial['target'] === 'string' ? initial['target'] : undefined;
  if (target === undefined) return node.config.type === 'parallel' ? undefined : node.children[0];
  return descend(node, target.replace(/^\./, '').split('.'));
}

export function machineGraph(machine: MachineLike): MachineGraph {
  const config = machineConfigOf(machine);
  const nodes: GraphNode[] = [];
  const root = buildNode(config.id ?? '(machine)', config, undefined, nodes);
  const rootId = config.id ?? '(machine)';

  const resolve = (source: GraphNode, target: string): GraphNode => {
    let node: GraphNode | undefined;
    if (target.startsWith('#')) {
      const ref = target.slice(1);
      node = nodes.find((n) => n.config.id === ref && n !== root) ?? (ref === rootId ? root : ref.startsWith(`${rootId}.`) ? descend(root, ref.slice(rootId.length + 1).split('.')) : undefined);
    } else if (target.startsWith('.')) {
      node = descend(source, target.slice(1).split('.'));
    } else {
      node = descend(source.parent ?? source, target.split('.'));
    }
    if (!node) throw new Error(`state diagram: cannot resolve target '${target}' from state '${source.path.join('.') || rootId}'`);
    return node;
  };

  const edges: GraphEdge[] = [];
  const add = (source: GraphNode, event: string, spec: unknown): void => {
    const list: unknown[] = Array.isArray(spec) ? spec : [spec];
    for (const t of list) {
      if (t === undefined || t === null) continue;
      const obj: Record<string, unknown> = isRecord(t) ? t : { target: t };
      const guard = guardName(obj['guard']);
      const raw = obj['target'];
      const targets = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (targets.length === 0) edges.push({ source, target: undefined, event, guard });
      for (const target of targets) {
        if (typeof target === 'string') edges.push({ source, target: resolve(source, target), event, guard });
      }
    }
  };

  for (const node of nodes) {
    // In the order the author wrote the keys, so the diagram reads like the definition.
    for (const field of Object.keys(node.config)) {
      const c = node.config;
      if (field === 'on' && c.on) for (const [event, spec] of Object.entries(c.on)) add(node, event, spec);
      else if (field === 'always') add(node, 'always', c.always);
      else if (field === 'after' && c.after) for (const [delay, spec] of Object.entries(c.after)) add(node, `after ${/^\d+$/.test(delay) ? `${delay}ms` : delay}`, spec);
      else if (field === 'onDone') add(node, 'done', c.onDone);
      else if (field === 'invoke') {
        for (const inv of Array.isArray(c.invoke) ? c.invoke : [c.invoke]) {
          if (!isRecord(inv)) continue;
          add(node, 'done', inv['onDone']);
          add(node, 'error', inv['onError']);
        }
      }
    }
  }
  return { root, nodes, edges };
}
