/**
 * The limits gatelab puts on YAML before it builds any value from it, and the two checks that must run
 * on the raw text and on the parser's token tree (CST). They run first because what they guard
 * against — a huge file, nesting thousands deep — would otherwise exhaust memory or the call stack
 * inside the YAML library's recursive composer, where no diagnostic can be made any more.
 */
import type { CST } from 'yaml';

export const YAML_LIMITS = {
  /** UTF-8 bytes in one file. Real gateway configs with thousands of routes stay well under this. */
  maxBytes: 5 * 1024 * 1024,
  /** Nested mappings and sequences, counted through aliases. Kubernetes CRDs reach about 30. */
  maxDepth: 100,
  /** Passed to yaml's toJS: its own guard against aliases of aliases (the "billion laughs"). */
  maxAliasCount: 100,
  /**
   * Nodes that aliases add when expanded. yaml's own count ignores aliases of flat collections (it
   * shares one object), but anything that walks or copies the value later pays for every copy.
   */
  maxAliasNodes: 1_000_000,
  /** Duplicate keys reported one by one per document; the rest are summed up in one more error. */
  maxDuplicateReports: 20,
} as const;

/** The UTF-8 length of a text, stopping early once it is known to exceed `cap`. */
export function utf8LengthOver(text: string, cap: number): boolean {
  // Every UTF-16 unit is 1 to 3 UTF-8 bytes, so only texts between cap/3 and cap need counting.
  if (text.length > cap) return true;
  if (text.length * 3 <= cap) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3;
    if (bytes > cap) return true;
  }
  return false;
}

/** Where the first collection deeper than `maxDepth` starts (a text offset), or undefined. */
export function firstTooDeep(tokens: readonly CST.Token[], maxDepth: number): number | undefined {
  // An explicit stack, not recursion: the point is to survive input nested far deeper than the stack.
  const stack: Array<{ token: CST.Token | null | undefined; depth: number }> = tokens.map((token) => ({ token, depth: 0 }));
  stack.reverse();
  let found: number | undefined;
  while (stack.length > 0) {
    const { token, depth } = stack.pop() as { token: CST.Token | null | undefined; depth: number };
    if (!token) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const inner = depth + 1;
    if (inner > maxDepth) {
      // The stack is not in document order; keep the earliest offset so the error points at the
      // outermost too-deep node a reader meets first.
      if (found === undefined || token.offset < found) found = token.offset;
      continue;
    }
    for (const item of token.items) {
      if ('key' in item) stack.push({ token: item.key, depth: inner });
      stack.push({ token: item.value, depth: inner });
    }
  }
  return found;
}
