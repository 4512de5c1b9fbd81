/**
 * Checks on a composed YAML document before it becomes a JavaScript value: duplicate keys (found with
 * one Set per mapping, so 10k keys cost 10k lookups, not the library's pairwise comparison), keys that
 * would reach into JavaScript prototypes, numbers no config can mean, and aliases that would multiply
 * the document. Each problem is a diagnostic at the key, number or alias that causes it.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Diagnostic, SourceLoc } from '../core/errors.ts';
import { YAML_LIMITS } from './yaml-limits.ts';

/**
 * Keys that JavaScript treats specially. `__proto__` assigned through `obj[key] = …` swaps an object's
 * prototype, and a deep merge that follows `constructor` then `prototype` writes into Object.prototype
 * for the whole program. No gateway config needs these names as keys, so they are refused outright.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type At = (offset: number) => SourceLoc;

/** The key a mapping entry gets in the JavaScript value (what `toJS` uses for plain scalar keys). */
export function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

export function guardDocument(doc: Document, text: string, at: At): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (doc.contents) {
    checkNodes(doc.contents as Node, text, at, out);
    checkExpansion(doc.contents as Node, at, out);
  }
  // The walk uses a stack, so its order is not the file's; readers expect reading order.
  return out.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0));
}

/** Duplicate keys, reserved keys and numbers, in one pass with an explicit stack. */
function checkNodes(root: Node, text: string, at: At, out: Diagnostic[]): void {
  let duplicates = 0;
  let firstUnlisted = 0;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (isScalar(node)) {
      // -0 is a valid number but a trap (1 / -0, Object.is); no config means it as distinct from 0.
      if (Object.is(node.value, -0)) node.value = 0;
      checkNumber(node.value, node.range, text, at, out);
      continue;
    }
    if (isSeq(node)) {
      for (const item of node.items) if (item) stack.push(item as Node);
      continue;
    }
    if (!isMap(node)) continue;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (pair.value) stack.push(pair.value as Node);
      if (!isScalar(keyNode)) {
        if (keyNode) stack.push(keyNode);
        continue;
      }
      checkNumber(keyNode.value, keyNode.range, text, at, out);
      const key = keyText(keyNode);
      const offset = keyNode.range?.[0] ?? 0;
      if (RESERVED_KEYS.has(key)) {
        out.push({
          severity: 'error',
          code: 'GL_E_YAML_KEY',
          message: `the key '${key}' is refused: it could change how JavaScript objects behave`,
          hint: 'rename the key; no gateway or scenario field is called this',
          loc: at(offset),
        });
      }
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, offset);
        continue;
      }
      duplicates++;
      if (duplicates === YAML_LIMITS.maxDuplicateReports + 1) firstUnlisted = offset;
      if (duplicates <= YAML_LIMITS.maxDuplicateReports) {
        out.push({
          severity: 'error',
          code: 'GL_E_YAML_SYNTAX',
          message: `duplicate key '${key}' (first on line ${at(first).line}); YAML keys must be unique in a mapping`,
          hint: 'each key may appear once in a mapping; remove or rename the repeated key',
          loc: at(offset),
        });
      }
    }
  }
  if (duplicates > YAML_LIMITS.maxDuplicateReports) {
    out.push({
      severity: 'error',
      code: 'GL_E_YAML_SYNTAX',
      message: `this and ${duplicates - YAML_LIMITS.maxDuplicateReports - 1} more duplicate keys are not listed one by one`,
      hint: 'fix the duplicates listed, then lint again to see the rest',
      loc: at(firstUnlisted),
    });
  }
}

/** Infinity, NaN and integers past 2^53 are never what a config means; -0 is read as 0. */
function checkNumber(value: unknown, range: readonly number[] | null | undefined, text: string, at: At, out: Diagnostic[]): void {
  if (typeof value !== 'number') return;
  const offset = range?.[0] ?? 0;
  const written = range ? text.slice(range[0], range[1]).trim() : String(value);
  if (!Number.isFinite(value)) {
    out.push({
      severity: 'error',
      code: 'GL_E_YAML_NUMBER',
      message: `${written} is not a finite number (it reads as ${String(value)})`,
      hint: 'write a finite number, or quote it if it is meant as text',
      loc: at(offset),
    });
  } else if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    out.push({
      severity: 'error',
      code: 'GL_E_YAML_NUMBER',
      message: `${written} is too large to hold exactly (beyond 2^53 = ${Number.MAX_SAFE_INTEGER})`,
      hint: 'use a smaller number, or quote it if it is an identifier rather than a quantity',
      loc: at(offset),
    });
  }
}

interface Size {
  /** Nodes once aliases are expanded. */
  expanded: number;
  /** Nodes as written (an alias counts as one). */
  written: number;
  /** Nesting once aliases are expanded. */
  depth: number;
}

/**
 * Expanded size and depth, in document order so every anchor is measured before its aliases.
 * Recursion is safe here: the CST check has already bounded the written depth, and every alias
 * target is measured once (memo), so an alias costs one lookup.
 */
function checkExpansion(root: Node, at: At, out: Diagnostic[]): void {
  const memo = new Map<Node, Size>();
  const anchors = new Map<string, Node>();
  const measure = (node: unknown): Size => {
    if (!node || typeof node !== 'object') return { expanded: 0, written: 0, depth: 0 };
    const hit = memo.get(node as Node);
    if (hit) return hit;
    let size: Size;
    if (isAlias(node)) {
      // Not node.resolve(doc): without toJS's cache it walks the whole document for every alias.
      const target = anchors.get(node.source);
      const t = target ? measure(target) : { expanded: 1, written: 1, depth: 0 };
      size = { expanded: t.expanded, written: 1, depth: t.depth };
    } else if (isPair(node)) {
      const k = measure(node.key);
      const v = measure(node.value);
      size = { expanded: k.expanded + v.expanded, written: k.written + v.written, depth: Math.max(k.depth, v.depth) };
    } else if (isMap(node) || isSeq(node)) {
      size = { expanded: 1, written: 1, depth: 0 };
      for (const item of node.items as unknown[]) {
        const s = measure(item);
        size.expanded += s.expanded;
        size.written += s.written;
        size.depth = Math.max(size.depth, s.depth);
      }
      size.depth += 1;
    } else {
      size = { expanded: 1, written: 1, depth: 0 };
    }
    memo.set(node as Node, size);
    // Set after the children: an alias refers to the latest anchor of that name before it.
    const anchor = (node as { anchor?: unknown }).anchor;
    if (typeof anchor === 'string') anchors.set(anchor, node as Node);
    return size;
  };
  const total = measure(root);
  if (total.expanded - total.written > YAML_LIMITS.maxAliasNodes) {
    const alias = heaviestAlias(root, memo, (s) => s.expanded - s.written);
    out.push({
      severity: 'error',
      code: 'GL_E_YAML_ALIAS',
      message: `aliases expand this document to ${total.expanded} nodes (${total.written} written); gatelab stops at ${YAML_LIMITS.maxAliasNodes} added by aliases`,
      hint: 'write the repeated part out where it is needed, or use fewer aliases of large anchors',
      loc: at(alias?.range?.[0] ?? root.range?.[0] ?? 0),
    });
  } else if (total.depth > YAML_LIMITS.maxDepth) {
    const alias = firstTooDeepAlias(root, memo);
    out.push({
      severity: 'error',
      code: 'GL_E_YAML_DEPTH',
      message: `through aliases this document nests ${total.depth} levels deep; gatelab reads at most ${YAML_LIMITS.maxDepth}`,
      hint: 'flatten the anchored parts, or repeat them without aliases inside aliases',
      loc: at(alias?.range?.[0] ?? root.range?.[0] ?? 0),
    });
  }
}

/** The first alias, in reading order, whose expansion takes the nesting past the limit. */
function firstTooDeepAlias(root: Node, memo: Map<Node, Size>): Node | undefined {
  let found: Node | undefined;
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!node || typeof node !== 'object') continue;
    if (isAlias(node)) {
      const reach = depth + (memo.get(node)?.depth ?? 0);
      const offset = node.range?.[0] ?? 0;
      if (reach > YAML_LIMITS.maxDepth && (found === undefined || offset < (found.range?.[0] ?? 0))) found = node;
    } else if (isPair(node)) {
      stack.push({ node: node.key, depth }, { node: node.value, depth });
    } else if (isMap(node) || isSeq(node)) {
      for (const item of node.items as unknown[]) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return found;
}

/** Follows the largest child (by `weight`) down from the root until it reaches an alias. */
function heaviestAlias(root: Node, memo: Map<Node, Size>, weight: (s: Size) => number): Node | undefined {
  let node: unknown = root;
  for (let steps = 0; steps <= YAML_LIMITS.maxDepth * 2 && node; steps++) {
    if (isAlias(node)) return node;
    let children: unknown[] = [];
    if (isPair(node)) children = [node.key, node.value];
    else if (isMap(node) || isSeq(node)) children = node.items as unknown[];
    let best: unknown;
    let bestWeight = -1;
    for (const c of children) {
      const s = c && typeof c === 'object' ? memo.get(c as Node) : undefined;
      if (s && weight(s) > bestWeight) {
        best = c;
        bestWeight = weight(s);
      }
    }
    node = best;
  }
  return undefined;
}
