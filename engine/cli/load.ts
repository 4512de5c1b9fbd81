/** Loading scenarios and configs from disk for the commands. */
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../core/errors.ts';
import { hasErrors } from '../core/errors.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { loadGateway, type LoadedGateway } from '../config/load-gateway.ts';
import type { Dialect } from '../config/ir.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { displayPath, readText } from './io.ts';

export function readFileFor(path: string): string {
  return readText(resolve(path));
}

export function loadScenarioFile(path: string): { scenario?: Scenario; diagnostics: Diagnostic[] } {
  try {
    return loadScenario(displayPath(resolve(path)), readFileFor);
  } catch (e) {
    return { diagnostics: [fileError(path, e)] };
  }
}

/** Loads vendor config files the way a scenario's `gateway.files` would (first file, then merged ones). */
export function loadConfigFiles(paths: readonly string[], format?: Dialect): LoadedGateway {
  const diagnostics: Diagnostic[] = [];
  const sources = [];
  for (const p of paths) {
    let text: string;
    try {
      text = readText(p);
    } catch (e) {
      diagnostics.push(fileError(p, e));
      continue;
    }
    const parsed = parseYaml(text, displayPath(resolve(p)));
    diagnostics.push(...parsed.diagnostics);
    sources.push({ file: displayPath(resolve(p)), docs: parsed.docs.map((d) => ({ value: d.value, map: d.map })) });
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  const loaded = loadGateway({ ...(format ? { format } : {}), sources, overlays: [] });
  return { ...loaded, diagnostics: [...diagnostics, ...loaded.diagnostics] };
}

function fileError(path: string, e: unknown): Diagnostic {
  const reason = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
  return {
    severity: 'error',
    code: 'GL_E_FILE',
    message: `cannot read ${path}: ${reason}`,
    hint: `check the path (relative to ${dirname(resolve(path))})`,
    loc: { file: path, line: 1, col: 1 },
  };
}
