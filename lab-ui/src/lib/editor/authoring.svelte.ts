/**
 * Authoring in the lab: the files of the open scenario as editor tabs, their originals and current
 * texts, drafts saved as the author types, Run through the worker with the edits laid over the
 * bundle, and scenarios the author brings (opened, dropped, or started from the template).
 *
 * The text in the editor is the one thing never thrown away: a refused save, a damaged draft, a
 * worker that crashes or a file that does not load each become a notice or a diagnostic beside it.
 */
import type { Diagnostic, FileOverrides, ScenarioInfo } from '../../worker/protocol.ts';
import { internalError } from '../../worker/protocol.ts';
import type { Lab } from '../lab.svelte.ts';
import type { DraftStore, SaveResult } from '../drafts.ts';
import { DraftSaver, type Timers } from '../drafts-saver.ts';
import { downloadName, isLocal, LOCAL_DIR, looksLikeScenarioText, type AuthoringEngine } from './files.ts';

export { downloadName, isLocal, type AuthoringEngine } from './files.ts';

export class Authoring {
  /** The scenario whose files the editor holds; null while closed. */
  file = $state<string | null>(null);
  tabs = $state.raw<string[]>([]);
  active = $state('');
  originals = $state.raw<Record<string, string>>({});
  texts = $state.raw<Record<string, string>>({});
  /** From the last describe (load, schema, adapters); run warnings come from the lab's panels. */
  diagnostics = $state.raw<Diagnostic[]>([]);
  notice = $state<string | null>(null);
  busy = $state(false);
  /** Scenario files with a saved draft, for the "edited" marks. */
  edited = $state.raw<string[]>([]);
  locals = $state.raw<string[]>([]);
  private readonly saver: DraftSaver;

  constructor(
    private readonly lab: Lab,
    private readonly engine: AuthoringEngine,
    private readonly drafts: DraftStore,
    timers?: Timers,
  ) {
    this.saver = new DraftSaver(drafts, (r, _s, p) => this.saved(r, p), undefined, timers);
    this.refresh();
  }

  /**
   * Before the URL is applied: every local scenario into the catalog, and every drafted scenario
   * described with its drafts, so a reload opens what the author last ran, not the bundled text.
   */
  async restore(): Promise<void> {
    const notes: string[] = [];
    for (const file of new Set([...this.drafts.localFiles(), ...this.drafts.scenarios()])) {
      try {
        const own = this.drafts.read(file, file);
        const scenarioText = own.kind === 'draft' ? own.text : isLocal(file) ? this.originalOf(file) : ((await this.engine.read([file]))[file] ?? null);
        if (scenarioText === null) continue;
        const overrides = this.drafts.files(file);
        this.lab.setEdits(file, isLocal(file) ? { ...overrides, [file]: scenarioText } : overrides);
        const info = await this.engine.describe(file, scenarioText, { files: overrides });
        if (info) this.lab.upsert(info);
      } catch (e) {
        notes.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (notes.length) this.notice = `Some drafts could not be checked (the engine worker failed): ${notes.join('; ')}. Their text is kept.`;
  }

  /** Called when the open scenario changes: closes the editor, or reopens it after a reload. */
  sync(scenarioFile: string | null): void {
    if (scenarioFile === this.file) return;
    this.saver.flush();
    this.file = null;
    if (scenarioFile && this.drafts.editorOpen() === scenarioFile) void this.openEditor();
  }

  isEdited(file: string): boolean {
    return this.edited.includes(file);
  }

  /** Opens the open scenario's files: the scenario, then every config file it reads, drafts restored. */
  async openEditor(): Promise<void> {
    const info = this.lab.scenario;
    if (!info) return;
    const file = info.file;
    const paths = [file, ...(info.sources ?? [])];
    let originals: FileOverrides = {};
    try {
      originals = isLocal(file) ? {} : await this.engine.read(paths);
    } catch (e) {
      this.notice = `The original files could not be read (${e instanceof Error ? e.message : String(e)}); drafts are shown where there are some.`;
    }
    if (isLocal(file)) originals[file] = this.originalOf(file) ?? '';
    const texts: Record<string, string> = {};
    const damaged: string[] = [];
    for (const p of paths) {
      const got = this.drafts.read(file, p);
      if (got.kind === 'corrupt') damaged.push(`${p} (${got.reason})`);
      texts[p] = got.kind === 'draft' ? got.text : (originals[p] ?? '');
    }
    if (damaged.length) this.notice = `A saved draft could not be read and was not loaded: ${damaged.join(', ')}. The original is shown.`;
    this.originals = originals;
    this.texts = texts;
    this.tabs = paths;
    this.active = file;
    this.diagnostics = info.diagnostics;
    this.file = file;
    this.drafts.setEditorOpen(file);
  }

  closeEditor(): void {
    this.saver.flush();
    this.file = null;
    this.drafts.setEditorOpen(null);
  }

  /** The editor's text changed: remember it, and save it shortly (or drop the draft if it is the original again). */
  change(path: string, text: string): void {
    const file = this.file;
    if (!file || this.texts[path] === text) return;
    this.texts = { ...this.texts, [path]: text };
    if (text === (this.originals[path] ?? '')) {
      this.saver.forget(file, path);
      this.drafts.discard(file, path);
      this.refresh();
    } else {
      this.saver.queue(file, path, text);
    }
  }

  /** Writes waiting drafts now (the page is being hidden or unloaded). */
  flush(): void {
    this.saver.flush();
  }

  /** The edited texts a run needs: for a local scenario all of them, else the ones that differ. */
  overrides(): FileOverrides {
    const file = this.file;
    const out: FileOverrides = {};
    for (const p of this.tabs) {
      const text = this.texts[p] ?? '';
      if ((file && isLocal(file)) || text !== (this.originals[p] ?? '')) out[p] = text;
    }
    return out;
  }

  /** Reruns the edited scenario: describe (errors and adapter warnings at their lines), then run. */
  async run(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.saver.flush();
    const overrides = this.overrides();
    this.lab.setEdits(file, overrides);
    this.busy = true;
    try {
      const info = await this.engine.describe(file, this.texts[file] ?? '', { files: overrides, lint: true });
      if (this.file !== file) return;
      if (!info) throw new Error('the engine worker gave no answer');
      this.diagnostics = info.diagnostics;
      // A config file named for the first time gets its own tab (empty until written).
      const fresh = (info.sources ?? []).filter((p) => !this.tabs.includes(p));
      if (fresh.length) {
        this.tabs = [...this.tabs, ...fresh];
        this.texts = { ...Object.fromEntries(fresh.map((p) => [p, ''])), ...this.texts };
      }
      this.lab.upsert(info);
    } catch (e) {
      this.diagnostics = [internalError(`the engine worker failed: ${e instanceof Error ? e.message : String(e)} — your text is kept; press Run to try again`, file)];
    } finally {
      this.busy = false;
    }
  }

  /** Puts a file back as it was bundled (or first opened) and forgets its draft; then reruns. */
  async reset(path: string): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.saver.forget(file, path);
    this.drafts.discard(file, path);
    this.texts = { ...this.texts, [path]: this.originals[path] ?? '' };
    this.refresh();
    await this.run();
  }

  /**
   * Every file of a scenario back to its original, drafts forgotten, and the scenario described and
   * rerun as bundled (or as first opened). Works with the editor closed: the "edited" mark offers it.
   * Returns the paths whose text changed, so the editor can show the originals.
   */
  async resetAll(file: string): Promise<string[]> {
    this.saver.forget(file);
    this.drafts.discard(file);
    this.refresh();
    const changed = this.file === file ? this.tabs.filter((p) => (this.texts[p] ?? '') !== (this.originals[p] ?? '')) : [];
    if (this.file === file) {
      this.texts = { ...this.originals };
      await this.run();
      return changed;
    }
    const original = isLocal(file) ? this.originalOf(file) : null;
    this.lab.setEdits(file, original !== null ? { [file]: original } : null);
    try {
      const text = original ?? (await this.engine.read([file]))[file];
      const info = text === undefined ? null : await this.engine.describe(file, text);
      if (info) this.lab.upsert(info);
    } catch (e) {
      this.notice = `The original could not be reloaded (${e instanceof Error ? e.message : String(e)}); reopen the scenario.`;
    }
    return changed;
  }

  /**
   * A file the author opened or dropped. A scenario becomes a local scenario (kept as a draft, listed
   * under "Your scenarios", opened in the editor even when it does not load); any other YAML replaces
   * the text of the active tab, as if typed.
   */
  async addFile(name: string, text: string, intoTab = false): Promise<string | null> {
    if (intoTab && this.file && !looksLikeScenarioText(text)) {
      this.change(this.active, text);
      return this.active;
    }
    const base = name.replace(/[^\w.-]+/g, '-').replace(/\.ya?ml$/i, '') || 'scenario';
    const taken = this.lab.catalog?.map((s) => s.file) ?? [];
    let file = `${LOCAL_DIR}${base}.yaml`;
    for (let n = 2; taken.includes(file); n++) file = `${LOCAL_DIR}${base}-${n}.yaml`;
    return this.addLocal(file, text);
  }

  /** "New scenario": the commented template as a local scenario, opened in the editor. */
  async newScenario(): Promise<string | null> {
    // The template is text nobody needs until they ask for it: it stays out of the first load.
    const { newScenarioFile, scenarioTemplate } = await import('./template.ts');
    const file = newScenarioFile(this.lab.catalog?.map((s) => s.file) ?? []);
    const id = downloadName(file).replace(/\.yaml$/, '');
    return this.addLocal(file, scenarioTemplate(id));
  }

  /** Removes a local scenario and its drafts. */
  removeLocal(file: string): void {
    this.saver.forget(file);
    this.drafts.removeLocal(file);
    if (this.lab.scenario?.file === file) this.lab.close();
    if (this.lab.catalog) this.lab.catalog = this.lab.catalog.filter((s) => s.file !== file);
    this.refresh();
  }

  private async addLocal(file: string, text: string): Promise<string | null> {
    const saved = this.drafts.saveLocal(file, text);
    if (!saved.ok) this.notice = `Your scenario is open but not stored (${saved.reason}): download it before you leave the page.`;
    this.refresh();
    this.lab.setEdits(file, { [file]: text });
    let info: ScenarioInfo | null;
    try {
      info = await this.engine.describe(file, text, { lint: true });
    } catch (e) {
      info = null;
      this.notice = `The engine worker failed while reading ${file}: ${e instanceof Error ? e.message : String(e)}. The text is kept.`;
    }
    // Even a file that does not load gets a card and an editor, so its errors can be fixed here.
    const listed = info ?? { file, id: downloadName(file), title: downloadName(file), topic: 'local', summary: '', tags: [], seed: 0, start: 0, durationMs: 0, variants: [], narration: [], diagnostics: [] };
    this.lab.upsert(listed);
    this.lab.open(file);
    await this.openEditor();
    return file;
  }

  private originalOf(file: string): string | null {
    if (!isLocal(file)) return null;
    const got = this.drafts.readLocal(file);
    return got.kind === 'draft' ? got.text : null;
  }

  private saved(result: SaveResult, path: string): void {
    if (!result.ok) this.notice = `Your edit of ${path} is kept in this tab but was not saved (${result.reason}). Download it to be safe.`;
    else if (this.notice?.startsWith('Your edit')) this.notice = null;
    this.refresh();
  }

  private refresh(): void {
    this.edited = this.drafts.scenarios();
    this.locals = this.drafts.localFiles();
  }
}
