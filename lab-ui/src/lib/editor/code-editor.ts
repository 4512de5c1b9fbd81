/**
 * CodeMirror 6 set up for scenario YAML: highlighting, line numbers, lint markers from the engine's
 * diagnostics, Ctrl/Cmd+Enter to run. Loaded with import() when the editor first opens, so the
 * lab's first load does not carry it. One view; each file tab keeps its own state (and undo history).
 */
import { basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import type { Diagnostic } from '../../worker/protocol.ts';
import { marksFor, offsetAt } from './positions.ts';

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
});

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

  function applyMarks(): void {
    const text = view.state.doc.toString();
    const marks: CmDiagnostic[] = marksFor(text, shown, diagnostics).map((m) => ({ ...m, source: 'gatelab' }));
    const key = JSON.stringify(marks);
    if (marked && marked.state === view.state && marked.key === key) return;
    view.dispatch(setDiagnostics(view.state, marks));
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
