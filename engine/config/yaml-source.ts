/**
 * Parses YAML text into plain values while remembering where every key and value stood, so that any
 * later check (schema, adapter, variant patch) can point at file:line:column.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, type Node } from 'yaml';
import type { Diagnostic, SourceLoc } from '../core/errors.ts';
import { guardDocument, keyText } from './yaml-guard.ts';
import { firstTooDeep, utf8LengthOver, YAML_LIMITS } from './yaml-limits.ts';

export type JsonPath = ReadonlyArray<string | number>;

export function pointer(path: JsonPath): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Where each path's key and value start in a file. */
export class SourceMap {
  private readonly values = new Map<string, SourceLoc>();
  private readonly keys = new Map<string, SourceLoc>();
  /** String scalars as written (quotes, escapes, folding), for positions inside a value (a rule's column). */
  private readonly raws = new Map<string, string>();

  constructor(readonly file: string) {}

  setRaw(path: JsonPath, raw: string): void {
    this.raws.set(pointer(path), raw);
  }

  /** The source text of a string scalar exactly as the file wrote it, when the parser recorded it. */
  raw(path: JsonPath): string | undefined {
    return this.raws.get(pointer(path));
  }

  setValue(path: JsonPath, loc: SourceLoc): void {
    this.values.set(pointer(path), loc);
  }

  setKey(path: JsonPath, loc: SourceLoc): void {
    this.keys.set(pointer(path), loc);
  }

  /**
   * The location of a path's value (or its key when `key` is set), falling back to the nearest
   * ancestor that has one, so every diagnostic gets a line even for values YAML did not spell out.
   */
  locate(path: JsonPath, opts: { key?: boolean } = {}): SourceLoc {
    for (let n = path.length; n >= 0; n--) {
      const p = pointer(path.slice(0, n));
      const hit = (opts.key && n === path.length ? this.keys.get(p) : undefined) ?? this.values.get(p);
      if (hit) return hit;
    }
    return { file: this.file, line: 1, col: 1 };
  }

  /** True when the file itself spelled out this path. */
  has(path: JsonPath): boolean {
    return this.values.has(pointer(path));
  }

  /** Copies every entry of `other` found under `from` into this map under `to` (variant patches). */
  graft(other: SourceMap, from: JsonPath, to: JsonPath): void {
    const prefix = pointer(from);
    const target = pointer(to);
    for (const [p, loc] of other.values) {
      if (p === prefix || p.startsWith(`${prefix}/`)) this.values.set(target + p.slice(prefix.length), loc);
    }
    for (const [p, loc] of other.keys) {
      if (p === prefix || p.startsWith(`${prefix}/`)) this.keys.set(target + p.slice(prefix.length), loc);
    }
    for (const [p, raw] of other.raws) {
      if (p === prefix || p.startsWith(`${prefix}/`)) this.raws.set(target + p.slice(prefix.length), raw);
    }
  }

  /** Drops every entry at or below a path (before a replacement is grafted in). */
  prune(path: JsonPath): void {
    const prefix = pointer(path);
    for (const m of [this.values, this.keys, this.raws]) {
      for (const p of [...m.keys()]) if (p === prefix || p.startsWith(`${prefix}/`)) m.delete(p);
    }
  }

  clone(): SourceMap {
    const c = new SourceMap(this.file);
    for (const [p, l] of this.values) c.values.set(p, l);
    for (const [p, l] of this.keys) c.keys.set(p, l);
    for (const [p, r] of this.raws) c.raws.set(p, r);
    return c;
  }
}

export interface YamlDocument {
  value: unknown;
  map: SourceMap;
  /** Index of the document in a multi-document file. */
  index: number;
}

export interface YamlParseResult {
  docs: YamlDocument[];
  diagnostics: Diagnostic[];
}

/**
 * The one way YAML text enters gatelab. Hostile input (huge files, deep nesting, alias bombs,
 * prototype keys, absurd numbers, thousands of duplicate keys) comes back as diagnostics; the limits
 * and why they are what they are live in yaml-limits.ts and yaml-guard.ts.
 */
export function parseYaml(text: string, file: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLoc => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  if (utf8LengthOver(text, YAML_LIMITS.maxBytes)) {
    // Count lines only up to the cap, so the error can say where the limit was crossed.
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0 && i < YAML_LIMITS.maxBytes; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    return { docs: [], diagnostics: [tooLarge(at(Math.min(text.length, YAML_LIMITS.maxBytes)))] };
  }
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const deep = firstTooDeep(tokens, YAML_LIMITS.maxDepth);
  if (deep !== undefined) {
    return {
      docs: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_YAML_DEPTH',
          message: `mappings and sequences nest more than ${YAML_LIMITS.maxDepth} levels deep here`,
          hint: 'no gateway or scenario file needs this much nesting; check for unclosed [ or { or runaway indentation',
          loc: at(deep),
        },
      ],
    };
  }
  // Duplicate keys are found by yaml-guard.ts in linear time; the library's own check is pairwise.
  const list = Array.from(new Composer({ uniqueKeys: false }).compose(tokens));
  const diagnostics: Diagnostic[] = [];
  const docs: YamlDocument[] = [];
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      diagnostics.push({
        severity: 'error',
        code: 'GL_E_YAML_SYNTAX',
        message: firstLine(e.message),
        hint: yamlHint(e.code),
        loc: at(e.pos[0]),
      });
    }
    for (const w of doc.warnings) {
      diagnostics.push({ severity: 'warning', code: 'GL_W_UNKNOWN_FIELD', message: firstLine(w.message), loc: at(w.pos[0]) });
    }
    if (doc.errors.length > 0) return;
    const guarded = guardDocument(doc, text, at);
    diagnostics.push(...guarded);
    if (guarded.length > 0) return;
    const map = new SourceMap(file);
    if (doc.contents) walk(doc.contents as Node, [], map, at, text);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount });
    } catch (e) {
      diagnostics.push({
        severity: 'error',
        code: 'GL_E_YAML_ALIAS',
        message: e instanceof Error ? firstLine(e.message) : String(e),
        hint: 'remove the excessive aliases or anchors',
        loc: at(doc.contents?.range?.[0] ?? 0),
      });
      return;
    }
    // An empty document between `---` separators is not a config; skip it like kubectl does.
    if (value === null && list.length > 1) return;
    docs.push({ value, map, index });
  });
  return { docs, diagnostics };
}

function tooLarge(loc: SourceLoc): Diagnostic {
  return {
    severity: 'error',
    code: 'GL_E_YAML_TOO_LARGE',
    message: `the file is larger than ${YAML_LIMITS.maxBytes / (1024 * 1024)} MiB; gatelab stops reading here`,
    hint: 'split the config into several files (gateway.files takes a list), or trim what the lesson does not need',
    loc,
  };
}

function walk(node: Node, path: Array<string | number>, map: SourceMap, at: (o: number) => SourceLoc, text: string): void {
  if (node.range) map.setValue(path, at(node.range[0]));
  if (isAlias(node)) return;
  if (isScalar(node) && typeof node.value === 'string' && node.range) map.setRaw(path, text.slice(node.range[0], node.range[1]));
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyText(keyNode);
      const child = [...path, key];
      if (keyNode?.range) map.setKey(child, at(keyNode.range[0]));
      if (pair.value) walk(pair.value as Node, child, map, at, text);
      else if (keyNode?.range) map.setValue(child, at(keyNode.range[0]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item) walk(item as Node, [...path, i], map, at, text);
    });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping; remove or rename the repeated key';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and punctuation on this line';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    default:
      return 'fix the YAML syntax at this position';
  }
}

/** The part of a map below `path`, re-rooted so that `path` becomes the root. */
export function subMap(map: SourceMap, path: JsonPath): SourceMap {
  const out = new SourceMap(map.file);
  out.graft(map, path, []);
  return out;
}
