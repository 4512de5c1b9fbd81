/** File access and output helpers shared by the commands (Node-only, like the rest of engine/cli). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic, type Diagnostic } from '../core/errors.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Paths as the user typed them become paths relative to the working directory in messages. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], out: (s: string) => void = console.error): void {
  for (const d of diagnostics) out(formatDiagnostic(d));
}

const SCHEMA_MARK = /yaml-language-server:\s*\$schema=\S*scenario\.schema\.json/;

/** A scenario file announces its schema on its first lines; vendor configs beside it do not. */
export function isScenarioText(text: string): boolean {
  return SCHEMA_MARK.test(text.split('\n', 5).join('\n'));
}

const SCHEMA_PATH = fileURLToPath(new URL('../scenario/scenario.schema.json', import.meta.url));

/**
 * A file that has a scenario's top-level keys (clients, and backends or gateway) and none of a vendor
 * config's. Scans go by the modeline; this catches the scenario an instructor wrote without one,
 * which a scan would otherwise skip without a word.
 */
export function looksLikeScenarioText(text: string): boolean {
  return /^clients:/m.test(text) && /^(backends|gateway):/m.test(text) && !/^(apiVersion|kind|_format_version):/m.test(text);
}

/** Scenario-shaped files under the given files and folders that lack the modeline, sorted. */
export function findUnmarkedScenarioFiles(paths: readonly string[]): string[] {
  return findYamlFiles(paths, (text) => !isScenarioText(text) && looksLikeScenarioText(text));
}

/** What to tell the author of a scenario file without the modeline: how to add it, from where it sits. */
export function modelineAdvice(file: string): string {
  const schema = relative(dirname(resolve(file)), resolve(SCHEMA_PATH)).split(sep).join('/');
  return `add "# yaml-language-server: $schema=${schema}" as its first line, so that editors validate it against the scenario schema and folder scans know it as a scenario`;
}

/** Every scenario file under the given files and folders, sorted, so output order is stable. */
export function findScenarioFiles(paths: readonly string[]): string[] {
  return findYamlFiles(paths, isScenarioText);
}

/** Every YAML file under the given files and folders whose text `accept`s it, sorted. */
export function findYamlFiles(paths: readonly string[], accept: (text: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(join(p, name));
      }
    } else if (/\.ya?ml$/.test(p) && accept(readText(p))) {
      out.push(p);
    }
  };
  for (const p of paths) visit(p);
  return out;
}
