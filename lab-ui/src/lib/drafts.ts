/**
 * What an author typed in the lab's editor, kept across reloads. One entry per (scenario, file): a
 * scenario's own YAML and each config file it reads are saved separately, and an edit to a config
 * file belongs to the scenario it was made in (two scenarios sharing configs/kong.yaml stay apart).
 *
 * Storage can refuse (quota, private mode) and a stored value can be damaged (another version, a
 * hand edit in devtools). Neither may cost the author their text: a refused save is kept in memory
 * and reported, a damaged value is reported and never loaded over the editor.
 */
import { setOwn } from '../../../engine/core/set-own.ts';

/** The part of the Web Storage API the store uses, so tests can pass a fake. */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Bump when the stored shape changes; older entries are then ignored, not misread. */
export const DRAFT_VERSION = 1;
const DRAFT_PREFIX = `gatelab:draft:v${DRAFT_VERSION}:`;
const LOCAL_PREFIX = `gatelab:local:v${DRAFT_VERSION}:`;
const EDITOR_OPEN_KEY = `gatelab:editor-open:v${DRAFT_VERSION}`;

export type DraftRead = { kind: 'missing' } | { kind: 'draft'; text: string } | { kind: 'corrupt'; reason: string };
export type SaveResult = { ok: true } | { ok: false; reason: string };

export function draftKey(scenario: string, path: string): string {
  return `${DRAFT_PREFIX}${JSON.stringify([scenario, path])}`;
}

function parseDraftKey(key: string): [string, string] | null {
  if (!key.startsWith(DRAFT_PREFIX)) return null;
  try {
    const v: unknown = JSON.parse(key.slice(DRAFT_PREFIX.length));
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : null;
  } catch {
    return null;
  }
}

function encode(text: string): string {
  return JSON.stringify({ v: DRAFT_VERSION, text });
}

function decode(raw: string): DraftRead {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { kind: 'corrupt', reason: 'the stored value is not JSON' };
  }
  const rec = v as { v?: unknown; text?: unknown } | null;
  if (typeof rec !== 'object' || rec === null || rec.v !== DRAFT_VERSION || typeof rec.text !== 'string') {
    return { kind: 'corrupt', reason: `the stored value is not a version-${DRAFT_VERSION} draft` };
  }
  return { kind: 'draft', text: rec.text };
}

function why(e: unknown): string {
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return 'the browser storage for this page is full';
  return e instanceof Error ? e.message : String(e);
}

export class DraftStore {
  /** Texts the storage refused, by key: still served by `read`, so the session loses nothing. */
  private readonly unsaved = new Map<string, string>();

  constructor(private readonly storage: StorageLike | null) {}

  read(scenario: string, path: string): DraftRead {
    const key = draftKey(scenario, path);
    const held = this.unsaved.get(key);
    if (held !== undefined) return { kind: 'draft', text: held };
    const raw = this.get(key);
    return raw === null ? { kind: 'missing' } : decode(raw);
  }

  save(scenario: string, path: string, text: string): SaveResult {
    return this.put(draftKey(scenario, path), encode(text), text);
  }

  /** Forgets one file's draft, or every draft of the scenario without a path. */
  discard(scenario: string, path?: string): void {
    for (const key of this.keys()) {
      const parsed = parseDraftKey(key);
      if (parsed && parsed[0] === scenario && (path === undefined || parsed[1] === path)) this.remove(key);
    }
    for (const key of [...this.unsaved.keys()]) {
      const parsed = parseDraftKey(key);
      if (parsed && parsed[0] === scenario && (path === undefined || parsed[1] === path)) this.unsaved.delete(key);
    }
  }

  /** Every readable draft of a scenario, by file path; damaged ones are skipped. */
  files(scenario: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of new Set([...this.keys(), ...this.unsaved.keys()])) {
      const parsed = parseDraftKey(key);
      if (!parsed || parsed[0] !== scenario) continue;
      const got = this.read(parsed[0], parsed[1]);
      // A file may be called `__proto__`: a plain assignment would drop it.
      if (got.kind === 'draft') setOwn(out, parsed[1], got.text);
    }
    return out;
  }

  /** The scenario files that have at least one draft. */
  scenarios(): string[] {
    const set = new Set<string>();
    for (const key of [...this.keys(), ...this.unsaved.keys()]) {
      const parsed = parseDraftKey(key);
      if (parsed) set.add(parsed[0]);
    }
    return [...set].sort();
  }

  /** A scenario the author brought (opened, dropped or started from the template): its first text. */
  saveLocal(file: string, text: string): SaveResult {
    return this.put(`${LOCAL_PREFIX}${file}`, encode(text), text);
  }

  readLocal(file: string): DraftRead {
    const key = `${LOCAL_PREFIX}${file}`;
    const held = this.unsaved.get(key);
    if (held !== undefined) return { kind: 'draft', text: held };
    const raw = this.get(key);
    return raw === null ? { kind: 'missing' } : decode(raw);
  }

  localFiles(): string[] {
    const set = new Set<string>();
    for (const key of [...this.keys(), ...this.unsaved.keys()]) if (key.startsWith(LOCAL_PREFIX)) set.add(key.slice(LOCAL_PREFIX.length));
    return [...set].sort();
  }

  removeLocal(file: string): void {
    this.remove(`${LOCAL_PREFIX}${file}`);
    this.unsaved.delete(`${LOCAL_PREFIX}${file}`);
    this.discard(file);
  }

  /** The scenario whose editor was open, so a reload reopens it. */
  editorOpen(): string | null {
    return this.get(EDITOR_OPEN_KEY);
  }

  setEditorOpen(file: string | null): void {
    if (file === null) this.remove(EDITOR_OPEN_KEY);
    else this.put(EDITOR_OPEN_KEY, file, null);
  }

  private put(key: string, value: string, text: string | null): SaveResult {
    if (!this.storage) {
      if (text !== null) this.unsaved.set(key, text);
      return { ok: false, reason: 'this browser offers no storage to this page' };
    }
    try {
      this.storage.setItem(key, value);
      this.unsaved.delete(key);
      return { ok: true };
    } catch (e) {
      if (text !== null) this.unsaved.set(key, text);
      return { ok: false, reason: why(e) };
    }
  }

  private get(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  private remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // A storage that cannot remove will not return the value either; nothing more to do.
    }
  }

  private keys(): string[] {
    const out: string[] = [];
    try {
      const s = this.storage;
      if (!s) return out;
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i);
        if (k !== null) out.push(k);
      }
    } catch {
      // Storage that cannot even be listed behaves as empty; edits then live in memory.
    }
    return out;
  }
}

/** The page's localStorage, or null where reading it throws (some privacy modes). */
export function pageStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
