/** The state one exercise load shares between its converters, and the reference checks they use. */
import type { Diagnostic, ErrorCode } from '../core/errors.ts';
import type { JsonPath, SourceMap } from '../config/yaml-source.ts';
import { loadScenario, type ReadFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { nearest } from '../scenario/edit-distance.ts';
import { dirnameOf, joinPath } from '../scenario/paths.ts';
import { recordingReader } from './exercise-files.ts';

/** What the kind-specific converters share: where to report, how to resolve and load files. */
export interface ExerciseContext {
  file: string;
  map: SourceMap;
  diagnostics: Diagnostic[];
  read: ReadFile;
  files: Record<string, string>;
  resolve(rel: string): string;
  report(code: ErrorCode, path: JsonPath, message: string, hint?: string): void;
  /** A scenario by path, loaded once; undefined (with its diagnostics reported) when it does not load. */
  scenario(path: string, at: JsonPath): Scenario | undefined;
  /** The text of a file, or undefined with GL_E_FILE reported at `at`. */
  text(path: string, at: JsonPath): string | undefined;
}

export function exerciseContext(file: string, map: SourceMap, readFile: ReadFile): ExerciseContext {
  const files: Record<string, string> = {};
  const read = recordingReader(readFile, files);
  const dir = dirnameOf(file);
  const scenarios = new Map<string, Scenario | undefined>();
  const ctx: ExerciseContext = {
    file,
    map,
    diagnostics: [],
    read,
    files,
    resolve: (rel) => joinPath(dir, rel),
    report: (code, path, message, hint) => {
      ctx.diagnostics.push({ severity: 'error', code, message, ...(hint ? { hint } : {}), loc: map.locate(path) });
    },
    scenario: (path, at) => {
      if (!scenarios.has(path)) {
        const loaded = loadScenario(path, read);
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          ctx.report('GL_E_FILE', at, `the scenario ${path} does not load (${errors.length} error${errors.length === 1 ? '' : 's'})`, 'run gatelab lint on it');
          ctx.diagnostics.push(...errors);
        }
        scenarios.set(path, loaded.scenario);
      }
      return scenarios.get(path);
    },
    text: (path, at) => {
      try {
        return read(path);
      } catch (e) {
        ctx.report('GL_E_FILE', at, `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, 'check the path; it is relative to the exercise file');
        return undefined;
      }
    },
  };
  return ctx;
}

/** Reports a variant the scenario does not define; true when it exists. */
export function checkVariant(ctx: ExerciseContext, scenario: Scenario, variant: string, at: JsonPath): boolean {
  const names = scenario.variants.map((v) => v.name);
  if (names.includes(variant)) return true;
  const guess = nearest(variant, names);
  ctx.report('GL_E_VARIANT', at, `scenario ${scenario.file} has no variant '${variant}'`, guess ? `did you mean '${guess}'?` : `its variants: ${names.join(', ')}`);
  return false;
}

/** Reports a client the scenario does not define. */
export function checkClient(ctx: ExerciseContext, scenario: Scenario, client: string | undefined, at: JsonPath): void {
  if (client === undefined) return;
  const ids = scenario.clients.map((c) => c.id);
  if (ids.includes(client)) return;
  const guess = nearest(client, ids);
  ctx.report('GL_E_EXPECT', at, `unknown client '${client}' in ${scenario.file}`, guess ? `did you mean '${guess}'?` : `its clients: ${ids.join(', ')}`);
}

