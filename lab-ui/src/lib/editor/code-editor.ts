/**
 * CodeMirror 6 set up for scenario YAML: highlighting, line numbers, lint markers from the engine's
 * diagnostics, Ctrl/Cmd+Enter to run. Loaded with import() when the editor first opens, so the
 * lab's first load does not carry it. One view; each file tab keeps its own state (and undo history).
 */
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, keymap, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import type { Diagnostic } from '../../worker/protocol.ts';
import { hangingIndent, lineMessages, marksFor, offsetAt, type LineMessage } from './positions.ts';

export interface EditorCallbacks {
  change(path: string, text: string): void;
  run(): void;
}

export interface CodeEditor {
  /** Shows a file: its earlier state when it was shown before, else a fresh one with `text`. */
  show(path: string, text: string): void;
  /** Replaces a file's text (reset to original, a file opened over it); undo can bring it back. */
  replace(path: string, text: string): void;
  /** The engine's diagnostics for every file; the shown file gets its marks at once, others when shown. */
  setDiagnostics(diagnostics: readonly Diagnostic[]): void;
  /** Moves the cursor to a 1-based line and column of the shown file and scrolls there. */
  reveal(line: number, col: number): void;
  focus(): void;
  destroy(): void;
}

// The default gutter grey is too faint to read (and fails a contrast check); the lab's own colours.
const labTheme = EditorView.theme({
  '&': { fontSize: '0.86rem', border: '1px solid var(--border)', borderRadius: '6px', background: 'var(--surface)' },
  '.cm-content': { fontFamily: 'var(--mono)' },
  '.cm-gutters': { background: 'var(--surface)', color: '#545b66', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { background: 'var(--accent-soft)', color: '#1d2530' },
  '&.cm-focused': { outline: '2px solid var(--accent)' },
  '.cm-scroller': { minHeight: '18rem', maxHeight: '60vh' },
  // No margin: CodeMirror measures a block widget's height from its box.
  '.cm-gatelab-line-error': { whiteSpace: 'pre-wrap', fontFamily: 'system-ui, sans-serif', fontSize: '0.82rem', color: 'var(--bad)', background: 'var(--bad-soft)', borderLeft: '3px solid var(--bad)', padding: '0.15rem 0.5rem' },
});

/** An error's words in a box under its line, where the student is typing (lineMessages). */
class LineMessageWidget extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: LineMessageWidget): boolean {
    return other.text === this.text;
  }
  toDOM(): HTMLElement {
    const box = document.createElement('div');
    box.className = 'cm-gatelab-line-error';
    box.setAttribute('role', 'note');
    box.setAttribute('data-testid', 'editor-line-error');
    box.textContent = this.text;
    return box;
  }
}

const setLineMessages = StateEffect.define<readonly LineMessage[]>();

// Block widgets must come from a state field; they move with edits until the next run replaces them.
const lineMessageField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(messages, tr) {
    let next = messages.map(tr.changes);
    for (const e of tr.effects) {
      if (e.is(setLineMessages)) next = Decoration.set(e.value.map((m) => Decoration.widget({ widget: new LineMessageWidget(m.text), block: true, side: 1 }).range(Math.min(m.at, tr.state.doc.length))));
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * A wrapped line goes on under its own indentation, and two columns further: wrapped at column 0 on a
 * phone, "v1.internal:8080" read as a key at the top of the YAML, where indentation is the meaning.
 * Only the lines on screen get a decoration.
 */
function hangingIndents(view: EditorView): DecorationSet {
  const marks = [];
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = view.state.doc.lineAt(pos);
      const hang = hangingIndent(line.text);
      if (hang > 0) marks.push(Decoration.line({ attributes: { style: `padding-left: calc(6px + ${hang}ch); text-indent: -${hang}ch` } }).range(line.from));
      pos = line.to + 1;
    }
  }
  return Decoration.set(marks);
}

const hangingIndentPlugin = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = hangingIndents(view);
    }
    update(u: ViewUpdate): void {
      if (u.docChanged || u.viewportChanged) this.decorations = hangingIndents(u.view);
    }
  },
  { decorations: (p) => p.decorations },
);

export function createCodeEditor(parent: HTMLElement, callbacks: EditorCallbacks): CodeEditor {
  const states = new Map<string, EditorState>();
  let shown = '';
  let diagnostics: readonly Diagnostic[] = [];

  const extensions = (path: string): Extension[] => [
    // Above the default keymap, where Mod-Enter would insert a blank line.
    Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (callbacks.run(), true), preventDefault: true }])),
    basicSetup,
    yaml(),
    lintGutter(),
    lineMessageField,
    // Long lines wrap: an exercise's starter opens with a two-line hint that ran past a half-width
    // editor's edge ("What is still missing? Read the r…"), and a phone showed a third of each line.
    EditorView.lineWrapping,
    hangingIndentPlugin,
    labTheme,
    EditorState.tabSize.of(2),
    EditorView.contentAttributes.of({ 'aria-label': `YAML of ${path}`, 'data-testid': 'editor-content' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) callbacks.change(path, u.state.doc.toString());
    }),
  ];

  const view = new EditorView({ parent, state: EditorState.create({ doc: '', extensions: [] }) });
  // The scroller must be reachable by keyboard on its own (axe: scrollable-region-focusable), since
  // assistive tools do not count the contenteditable inside it as focusable content.
  view.scrollDOM.tabIndex = 0;

  // The state that holds the last marks set, and those marks: the lab re-sends the same diagnostics
  // on every progress message of a run, and each dispatch made CodeMirror read the DOM selection,
  // forcing a layout of the page mid-update (≈ 150 ms over a 60k-request run's load).
  let marked: { state: EditorState; key: string } | null = null;
  // The error boxes last shown, so only new ones are scrolled to.
  let shownWords = '';

  function applyMarks(): void {
    const text = view.state.doc.toString();
    const found = marksFor(text, shown, diagnostics);
    const marks: CmDiagnostic[] = found.map((m) => ({ ...m, source: 'gatelab' }));
    const key = JSON.stringify(marks);
    if (marked && marked.state === view.state && marked.key === key) return;
    const messages = lineMessages(text, found);
    const first = messages[0];
    const words = messages.map((m) => m.text).join('\n');
    // New errors are scrolled to, box included, as little as it takes: the editor runs past the
    // bottom of a laptop's screen, and the line just typed on sat at its edge with its box below it.
    const scroll = first && words !== shownWords ? [EditorView.scrollIntoView(first.at, { y: 'nearest', yMargin: 90 })] : [];
    shownWords = words;
    view.dispatch(setDiagnostics(view.state, marks), { effects: [setLineMessages.of(messages), ...scroll] });
    marked = { state: view.state, key };
  }

  return {
    show(path, text) {
      if (shown) states.set(shown, view.state);
      shown = path;
      view.setState(states.get(path) ?? EditorState.create({ doc: text, extensions: extensions(path) }));
      applyMarks();
    },
    replace(path, text) {
      if (path !== shown) {
        states.set(path, EditorState.create({ doc: text, extensions: extensions(path) }));
        return;
      }
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      applyMarks();
    },
    setDiagnostics(list) {
      diagnostics = list;
      if (shown) applyMarks();
    },
    reveal(line, col) {
      const at = offsetAt(view.state.doc.toString(), line, col);
      view.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: 'center' }) });
      view.focus();
    },
    focus() {
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
