/** Small facts about the editor's files: where local scenarios live, what a scenario looks like, names. */
import type { FileOverrides, ScenarioInfo } from '../../worker/protocol.ts';

/** The part of EngineClient authoring uses; tests pass a fake. */
export interface AuthoringEngine {
  describe(file: string, text: string, opts?: { files?: FileOverrides; lint?: boolean }): Promise<ScenarioInfo | null>;
  read(paths: string[]): Promise<FileOverrides>;
}

export const LOCAL_DIR = 'local/';

export function isLocal(file: string): boolean {
  return file.startsWith(LOCAL_DIR);
}

/** A cheap test for "this YAML is a scenario", the same the worker uses for its catalog. */
export function looksLikeScenarioText(text: string): boolean {
  return /^id:/m.test(text) && /^clients:/m.test(text);
}

/** The name a file downloads as: its own base name. */
export function downloadName(path: string): string {
  return path.split('/').pop() || 'scenario.yaml';
}
