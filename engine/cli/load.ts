/** Loading scenarios and configs from disk for the commands. */
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../core/errors.ts';
import { hasErrors } from '../core/errors.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { loadGateway, type LoadedGateway } from '../config/load-gateway.ts';
import type { Dialect } from '../config/ir.ts';
import { UsageError, type OptionSpec } from './args.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/types.ts';
import { displayPath, printDiagnostics, readText } from './io.ts';

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

/** A scenario for a command that runs it: warnings go to stderr; errors too, and then it is undefined (exit 2). */
export function loadScenarioOrReport(path: string): Scenario | undefined {
  const loaded = loadScenarioFile(path);
  printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'warning'));
  if (loaded.scenario && !hasErrors(loaded.diagnostics)) return loaded.scenario;
  printDiagnostics(loaded.diagnostics.filter((d) => d.severity === 'error'));
  return undefined;
}

/** A usage error, naming the variants there are, unless the scenario has the one the user asked for. */
export function requireVariant(scenario: Scenario, name: string): void {
  const names = scenario.variants.map((v) => v.name);
  if (!names.includes(name)) throw new UsageError(`no variant '${name}' in ${scenario.file}; it has: ${names.join(', ')}`);
}

/** `--variant`, for the commands that run a scenario: one of its variants (requireVariant checks it). */
export const VARIANT_OPTION = { kind: 'text', value: 'NAME' } as const satisfies OptionSpec;

/** `--format`, for the commands that read vendor configs: the dialects loadConfigFiles accepts. */
export const FORMAT_OPTION = { kind: 'choice', choices: ['kong', 'gateway-api', 'ingress-nginx', 'traefik', 'ir'] } as const satisfies OptionSpec & { choices: readonly Dialect[] };

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
