/**
 * From the engine's diagnostics (1-based line and column in a named file) to what the editor marks:
 * character offsets in the text of one tab. Pure and CodeMirror-free, so it is tested on strings.
 */
import type { Diagnostic } from '../../worker/protocol.ts';

export interface LintMark {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
}

/** The offset of a 1-based line and column, clamped into the text (a stale diagnostic still lands). */
export function offsetAt(text: string, line: number, col: number): number {
  let start = 0;
  for (let l = 1; l < Math.max(1, Math.floor(line)); l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  return Math.min(end, start + Math.max(0, Math.floor(col) - 1));
}

/**
 * Where a mark starting at `from` ends: the rest of the word or value under it, so a key or a
 * misspelt value is underlined; at a line's end or on blank space, the rest of the line.
 */
export function markEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  const lineEnd = nl < 0 ? text.length : nl;
  let to = from;
  while (to < lineEnd && !/[\s:,\]}]/.test(text[to] as string)) to++;
  if (to === from) to = lineEnd;
  return to;
}

export function describeDiagnostic(d: Diagnostic): string {
  return `${d.code}: ${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
}

/** `file:line:col`, as the CLI prints it; empty for a diagnostic without a place. */
export function placeOf(d: Diagnostic): string {
  return d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}` : '';
}

/** The marks for one file's text: diagnostics placed in that file, in document order. */
export function marksFor(text: string, path: string, diagnostics: readonly Diagnostic[]): LintMark[] {
  const marks: LintMark[] = [];
  for (const d of diagnostics) {
    if (!d.loc || d.loc.file !== path) continue;
    const from = offsetAt(text, d.loc.line, d.loc.col);
    marks.push({ from, to: markEnd(text, from), severity: d.severity, message: describeDiagnostic(d) });
  }
  return marks.sort((a, b) => a.from - b.from || a.to - b.to);
}

/** An error written out under its line in the editor: where the line ends, and the words. */
export interface LineMessage {
  /** Offset of the end of the line the error is on. */
  at: number;
  text: string;
}

/**
 * The errors among `marks`, one message per line under the line they are on, `line:col` first. The
 * marks alone were a red underline and a gutter dot: the words were in the list under the editor,
 * below the fold of a laptop's screen, so a student who pressed Run saw a red "2" on the tab and
 * nothing else. Warnings stay in the list (a bundled scenario opens with some).
 */
export function lineMessages(text: string, marks: readonly LintMark[]): LineMessage[] {
  const byLine = new Map<number, string[]>();
  for (const m of marks) {
    if (m.severity !== 'error') continue;
    const lineStart = text.lastIndexOf('\n', m.from - 1) + 1;
    const nl = text.indexOf('\n', m.from);
    const at = nl < 0 ? text.length : nl;
    const line = text.slice(0, lineStart).split('\n').length;
    const words = `${line}:${m.from - lineStart + 1} ${m.message}`;
    byLine.set(at, [...(byLine.get(at) ?? []), words]);
  }
  return [...byLine].sort((a, b) => a[0] - b[0]).map(([at, list]) => ({ at, text: `✗ ${list.join('\n✗ ')}` }));
}

/**
 * How far a wrapped line's continuation is indented, in columns: the line's own indentation (after a
 * list dash, its item's) and two more, so it reads as part of its line and not as a key of its own.
 */
export function hangingIndent(line: string): number {
  const lead = /^[ \t]*(- +)?/.exec(line)?.[0].length ?? 0;
  return lead + 2;
}

/** Errors and warnings per file, for the badges on the editor's tabs. */
export function countsByFile(diagnostics: readonly Diagnostic[]): Map<string, { errors: number; warnings: number }> {
  const out = new Map<string, { errors: number; warnings: number }>();
  for (const d of diagnostics) {
    if (!d.loc) continue;
    const c = out.get(d.loc.file) ?? { errors: 0, warnings: 0 };
    if (d.severity === 'error') c.errors++;
    else c.warnings++;
    out.set(d.loc.file, c);
  }
  return out;
}

/** Drops repeats (the describe step and each variant's run can report the same warning). */
export function uniqueDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.severity}|${d.code}|${placeOf(d)}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const YAML_SYNTAX = 'GL_E_YAML_SYNTAX';

/**
 * YAML syntax errors after the first in a file, folded away. Once the parser loses its place it
 * reports nearly every token after it (one stray bracket in a title gave 319 errors and a marker on
 * every line), so the first is the one to fix; the rest are counted, not listed or marked.
 */
export function foldSyntaxCascades(list: readonly Diagnostic[]): { shown: Diagnostic[]; folded: Array<{ file: string; count: number }> } {
  const first = new Map<string, Diagnostic>();
  for (const d of list) {
    if (d.code !== YAML_SYNTAX || !d.loc) continue;
    const seen = first.get(d.loc.file);
    if (!seen?.loc || d.loc.line < seen.loc.line || (d.loc.line === seen.loc.line && d.loc.col < seen.loc.col)) first.set(d.loc.file, d);
  }
  const counts = new Map<string, number>();
  const shown = list.filter((d) => {
    if (d.code !== YAML_SYNTAX || !d.loc || first.get(d.loc.file) === d) return true;
    counts.set(d.loc.file, (counts.get(d.loc.file) ?? 0) + 1);
    return false;
  });
  return { shown, folded: [...counts].map(([file, count]) => ({ file, count })) };
}
