/**
 * Authoring against the real engine: the worker's code runs in-process behind a stand-in Worker, so
 * edits travel the real protocol (overrides by path) into the real loader, adapters and simulator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../worker/protocol.ts';
import { buildCatalog, describeText, readFiles, runSession, withOverrides } from '../../worker/run-session.ts';
import { ReplayCursor, type FrameScheduler } from '../cursor.svelte.ts';
import { DraftStore, draftKey } from '../drafts.ts';
import { FakeStorage } from '../drafts-testing.ts';
import type { Timers } from '../drafts-saver.ts';
import { EngineClient } from '../engine-client.ts';
import { Lab } from '../lab.svelte.ts';
import { Authoring } from './authoring.svelte.ts';

const BB = 'scenarios/rate-limiting/boundary-burst.yaml';
const TYPO = 'scenarios/routing/ingress-annotation-typo.yaml';

function bundle(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(d.name)) files.set(p.replace(/\\/g, '/'), readFileSync(p, 'utf8'));
    }
  };
  walk('scenarios');
  return files;
}
const FILES = bundle();
// Loading every scenario takes seconds; each test's "page" asks once, and the answer never changes.
let catalog: ReturnType<typeof buildCatalog> | null = null;

/** The worker entry's dispatch, in-process; `crash` makes it fail as a worker that throws on load. */
class InProcessWorker {
  static crash = false;
  static runs: Array<Extract<ToWorker, { type: 'run' }>> = [];
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(m: ToWorker): void {
    setTimeout(() => {
      if (InProcessWorker.crash) {
        this.onerror?.({ message: 'Uncaught RangeError: out of memory' } as ErrorEvent);
        return;
      }
      const post = (d: FromWorker): void => this.onmessage?.({ data: d } as MessageEvent<FromWorker>);
      if (m.type === 'catalog') post({ type: 'catalog', runId: m.runId, scenarios: (catalog ??= buildCatalog(FILES)) });
      else if (m.type === 'describe') post({ type: 'catalog', runId: m.runId, scenarios: [describeText(m.file, m.text, withOverrides(FILES, m.files), { lint: m.lint ?? false })] });
      else if (m.type === 'read') post({ type: 'files', runId: m.runId, files: readFiles(m.paths, FILES) });
      else if (m.type === 'run') {
        InProcessWorker.runs.push(m);
        void runSession({ ...m, level: 'decisions' }, FILES, post, () => 0);
      }
    }, 0);
  }
  terminate(): void {}
}

const frames: FrameScheduler = { request: () => 1, cancel: () => {}, now: () => 0 };
const handTimers: Timers = { set: () => 0, clear: () => {} };

async function until(what: string, ok: () => boolean): Promise<void> {
  // Bounded by turns of the event loop, not by time: each run takes a few turns.
  for (let i = 0; i < 5000 && !ok(); i++) await new Promise((r) => setTimeout(r, 0));
  if (!ok()) throw new Error(`never happened: ${what}`);
}

async function page(storage: FakeStorage): Promise<{ lab: Lab; authoring: Authoring }> {
  const engine = new EngineClient(() => new InProcessWorker() as unknown as Worker, 2);
  const lab = new Lab(engine, new ReplayCursor(frames), () => 0);
  const authoring = new Authoring(lab, engine, new DraftStore(storage), handTimers);
  await lab.loadCatalog();
  await authoring.restore();
  return { lab, authoring };
}

const settled = (lab: Lab): boolean => lab.panels.length > 0 && lab.panels.every((p) => p.status !== 'running');
const admittedIn = (lab: Lab, variant: string): number | undefined =>
  lab.panels.find((p) => p.variant === variant)?.done?.clients.find((c) => c.client === 'burster')?.byStatus['200'];

describe('Authoring', { timeout: 60_000 }, () => {
  it('runs an edited limit, keeps the draft, and a new page restores it marked edited', async () => {
    const storage = new FakeStorage();
    const first = await page(storage);
    first.lab.open(BB, { variants: ['same-window'] });
    await first.authoring.openEditor();
    expect(first.authoring.tabs).toEqual([BB]);
    const text = first.authoring.texts[BB] as string;
    first.authoring.change(BB, text.replace('minute: 100', 'minute: 150'));
    await first.authoring.run();
    await until('the edited run', () => settled(first.lab));
    expect(InProcessWorker.runs.at(-1)?.files?.[BB]).toContain('minute: 150');
    expect(admittedIn(first.lab, 'same-window')).toBe(150);
    // Run flushed the draft; a reload is a new Lab and Authoring over the same storage.
    expect(storage.data.has(draftKey(BB, BB))).toBe(true);

    const second = await page(storage);
    expect(second.authoring.isEdited(BB)).toBe(true);
    second.lab.open(BB, { variants: ['same-window'] });
    await until('the restored run', () => settled(second.lab));
    expect(admittedIn(second.lab, 'same-window')).toBe(150);
    await second.authoring.openEditor();
    expect(second.authoring.texts[BB]).toContain('minute: 150');

    await second.authoring.reset(BB);
    await until('the original run', () => settled(second.lab));
    expect(second.authoring.texts[BB]).toBe(FILES.get(BB));
    expect(second.authoring.isEdited(BB)).toBe(false);
    expect(admittedIn(second.lab, 'same-window')).toBe(100);
  });

  it('opens each config file as a tab and shows its adapter warning at its line', async () => {
    const { lab, authoring } = await page(new FakeStorage());
    lab.open(TYPO);
    await authoring.openEditor();
    expect(authoring.tabs).toEqual([TYPO, 'scenarios/routing/configs/ingress-annotation-typo.yaml', 'scenarios/routing/configs/ingress-annotation-typo-fixed.yaml']);
    await authoring.run();
    const w = authoring.diagnostics.find((d) => d.code === 'GL_W_UNKNOWN_FIELD');
    expect(w?.loc).toEqual({ file: 'scenarios/routing/configs/ingress-annotation-typo.yaml', line: 10, col: 5 });
  });

  it('a crashed worker becomes a diagnostic, the text stays, and the next run gets a fresh worker', async () => {
    const { lab, authoring } = await page(new FakeStorage());
    lab.open(BB, { variants: ['base'] });
    await authoring.openEditor();
    const edited = `${authoring.texts[BB]}# a note\n`;
    authoring.change(BB, edited);
    InProcessWorker.crash = true;
    try {
      await authoring.run();
    } finally {
      InProcessWorker.crash = false;
    }
    expect(authoring.diagnostics[0]?.message).toContain('the engine worker failed: Uncaught RangeError: out of memory');
    expect(authoring.texts[BB]).toBe(edited);
    await authoring.run();
    expect(authoring.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('keeps a file that does not load as a local scenario, open in the editor with its errors', async () => {
    const storage = new FakeStorage();
    const { lab, authoring } = await page(storage);
    const bad = 'id: half-written\ntopic: routing\nclients:\n  - id: a\n    traffic: [\n';
    const file = await authoring.addFile('half written.yaml', bad);
    expect(file).toBe('local/half-written.yaml');
    expect(lab.scenario?.file).toBe(file);
    expect(authoring.file).toBe(file);
    expect(authoring.texts[file as string]).toBe(bad);
    const err = authoring.diagnostics.find((d) => d.severity === 'error');
    expect(err?.loc?.file).toBe(file);
    expect(err?.loc?.line).toBeGreaterThan(0);
    expect(authoring.locals).toEqual([file]);
    // A reload lists it again, with the same errors.
    const again = await page(storage);
    expect(again.lab.catalog?.find((s) => s.file === file)?.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('a full storage keeps the edit in the tab and asks to download it', async () => {
    const storage = new FakeStorage();
    const { lab, authoring } = await page(storage);
    lab.open(BB, { variants: ['base'] });
    await authoring.openEditor();
    storage.full = true;
    const edited = `${authoring.texts[BB]}# kept\n`;
    authoring.change(BB, edited);
    authoring.flush();
    expect(authoring.notice).toContain('was not saved (the browser storage for this page is full)');
    expect(authoring.texts[BB]).toBe(edited);
    expect(authoring.overrides()[BB]).toBe(edited);
  });

  it('does not load a damaged draft over the original, and says so', async () => {
    const storage = new FakeStorage();
    storage.data.set(draftKey(BB, BB), '{"v":1,"text":');
    const { lab, authoring } = await page(storage);
    lab.open(BB, { variants: ['base'] });
    await authoring.openEditor();
    expect(authoring.texts[BB]).toBe(FILES.get(BB));
    expect(authoring.notice).toContain('could not be read');
  });

  it('starts a new scenario from the template, and it runs', async () => {
    const { lab, authoring } = await page(new FakeStorage());
    const file = await authoring.newScenario();
    expect(file).toBe('local/my-scenario.yaml');
    expect(authoring.diagnostics).toEqual([]);
    await until('the template runs', () => settled(lab));
    expect(lab.panels.map((p) => [p.variant, p.done?.expectations.every((e) => e.pass)])).toEqual([['base', true], ['roomier', true]]);
  });
});
