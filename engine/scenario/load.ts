/**
 * Loading a scenario: YAML with source positions → JSON Schema → conversion and cross-checks, and the
 * same path again for each variant's patched value. Bad input never throws; it comes back as
 * diagnostics, all of them, each with file:line:column. Files are read through an injected function so
 * this runs unchanged in the lab's Web Worker.
 */
import { hasErrors, type Diagnostic } from '../core/errors.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { GATEWAY_ADAPTERS } from '../config/adapter-registry.ts';
import { gatewayDialect } from '../config/detect.ts';
import type { Scenario, VariantSpec } from './types.ts';
import { cachingReader, type ReadFile, type SafeReader } from './convert-context.ts';
import { convertScenario } from './convert.ts';
import { schemaDiagnostics } from './schema-errors.ts';
import { isPlainObject } from './merge-patch.ts';
import { patchSource, variantNamesOf, type ParsedSource } from './variants.ts';

export type { ReadFile } from './convert-context.ts';

export interface LoadResult {
  /** Present exactly when there are no errors (warnings may remain). */
  scenario?: Scenario;
  diagnostics: Diagnostic[];
}

/**
 * The reader each loaded file came with, so applyVariant can re-read config files without the caller
 * passing the reader again. Keyed by the shared source object: every variant of one load finds it.
 */
const readers = new WeakMap<object, SafeReader>();

const noReader: SafeReader = () => ({ error: 'no file reader is available; pass readFile to applyVariant' });

export function loadScenario(file: string, readFile: ReadFile): LoadResult {
  const read = cachingReader(readFile);
  const got = read(file);
  if ('error' in got) {
    return {
      diagnostics: [
        { severity: 'error', code: 'GL_E_FILE', message: `cannot read scenario '${file}': ${got.error}`, hint: 'check the path', loc: { file, line: 1, col: 1 } },
      ],
    };
  }
  return loadWith(got.text, file, read);
}

export function loadScenarioText(text: string, file: string, readFile: ReadFile): LoadResult {
  return loadWith(text, file, cachingReader(readFile));
}

/** Every variant of a loaded scenario, `base` first. */
export function scenarioVariants(scenario: Scenario): VariantSpec[] {
  return scenario.variants;
}

/**
 * The scenario with one variant's patch applied (to the file as written, whichever variant `scenario`
 * is), re-validated and converted. `readFile` is needed only when the scenario was not loaded in this
 * JavaScript realm (for example, after crossing a worker boundary) and the variant reads files.
 */
export function applyVariant(scenario: Scenario, variantName: string, readFile?: ReadFile): LoadResult {
  const source = scenario.source;
  if (!source) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_VARIANT',
          message: 'this scenario carries no parsed source to patch',
          hint: 'load it with loadScenario or loadScenarioText',
          loc: scenario.map.locate([]),
        },
      ],
    };
  }
  const read = readFile ? cachingReader(readFile) : (readers.get(source) ?? noReader);
  if (variantName === 'base') {
    if ((scenario.variant ?? 'base') === 'base') return { scenario, diagnostics: [] };
    const base = build(source, source, 'base', scenario.file, read);
    return { ...(base.scenario ? { scenario: base.scenario } : {}), diagnostics: base.diagnostics };
  }
  return buildVariant(source, variantName, scenario.file, read);
}

function loadWith(text: string, file: string, read: SafeReader): LoadResult {
  const parsed = parseYaml(text, file);
  if (hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  const diagnostics = [...parsed.diagnostics];
  if (parsed.docs.length === 0 || (parsed.docs.length === 1 && parsed.docs[0]?.value == null)) {
    diagnostics.push({
      severity: 'error',
      code: 'GL_E_SCHEMA',
      message: 'the scenario file is empty',
      hint: 'write the scenario fields: id, title, topic, summary, start, duration, gateway, clients',
      loc: { file, line: 1, col: 1 },
    });
    return { diagnostics };
  }
  if (parsed.docs.length !== 1) {
    const extra = parsed.docs[1];
    diagnostics.push({
      severity: 'error',
      code: 'GL_E_SCHEMA',
      message: `a scenario file holds exactly one YAML document, found ${parsed.docs.length}`,
      hint: "remove the '---' separators; put vendor configs in their own files under gateway.files",
      loc: extra ? extra.map.locate([]) : { file, line: 1, col: 1 },
    });
    return { diagnostics };
  }
  const doc = parsed.docs[0] as (typeof parsed.docs)[0];
  const source: ParsedSource = { value: doc.value, map: doc.map };
  readers.set(source, read);
  const base = build(source, source, 'base', file, read);
  diagnostics.push(...base.diagnostics);
  // Every variant is checked now, so a broken patch shows up in lint and the editor without a run.
  const seen = new Set(diagnostics.map(key));
  for (const name of variantNamesOf(source.value)) {
    // A variant without a patch mapping is already a schema error of the base; patching it adds noise.
    if (name === 'base' || !hasPatch(source.value, name)) continue;
    for (const d of buildVariant(source, name, file, read).diagnostics) {
      if (!seen.has(key(d))) diagnostics.push(d);
      seen.add(key(d));
    }
  }
  const ok = base.scenario && !hasErrors(diagnostics);
  return { ...(ok ? { scenario: base.scenario } : {}), diagnostics };
}

function hasPatch(value: unknown, name: string): boolean {
  const spec = ((value as Record<string, unknown>).variants as Record<string, unknown>)[name];
  return isPlainObject(spec) && isPlainObject(spec.patch);
}

function key(d: Diagnostic): string {
  return `${d.severity} ${d.code} ${d.loc?.file}:${d.loc?.line}:${d.loc?.col} ${d.message.replace(/^variant '[^']*': /, '')}`;
}

function buildVariant(source: ParsedSource, name: string, file: string, read: SafeReader): LoadResult {
  const patched = patchSource(source, name);
  if ('diagnostics' in patched) return patched;
  const built = build(patched, source, name, file, read);
  // Name the variant: the same base line can be wrong in one variant and fine in another.
  const diagnostics = built.diagnostics.map((d) => (d.severity === 'error' ? { ...d, message: `variant '${name}': ${d.message}` } : d));
  return { ...(built.scenario ? { scenario: built.scenario } : {}), diagnostics };
}

/** Validate, then convert; a scenario comes back only when nothing is wrong. */
function build(patched: ParsedSource, source: ParsedSource, variant: string, file: string, read: SafeReader): LoadResult {
  const schema = schemaDiagnostics(patched.value, patched.map);
  if (schema.length > 0) return { diagnostics: sortDiagnostics(schema, file) };
  try {
    const { scenario, diagnostics } = convertScenario({ value: patched.value, map: patched.map, file, read, variant });
    const sorted = sortDiagnostics(diagnostics, file);
    if (hasErrors(sorted)) return { diagnostics: sorted };
    noteDialects(scenario);
    return { scenario: { ...scenario, variant, source }, diagnostics: sorted };
  } catch (e) {
    // A schema-valid file should always convert; if it does not, that is a gatelab bug, reported
    // rather than thrown so the caller still gets a diagnostic with a place to look.
    const message = e instanceof Error ? e.message : String(e);
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'GL_E_SCHEMA',
          message: `gatelab failed to convert this scenario (a gatelab bug, please report it): ${message}`,
          loc: patched.map.locate([]),
        },
      ],
    };
  }
}

/**
 * The prepare hook of the lab's worker, which fetches gateway adapters on demand (config/adapter-
 * registry.ts): every scenario and variant built here notes the dialects of its gateway configs, so the
 * worker, whose file discovery loads the scenario before anything runs, can fetch those adapters before
 * the synchronous engine asks for them. Where every adapter is bundled (Node) this returns at once.
 */
function noteDialects(scenario: Scenario): void {
  if (GATEWAY_ADAPTERS.complete) return;
  GATEWAY_ADAPTERS.note(gatewayDialect(scenario.gateway));
  for (const e of scenario.events) if ('gateway' in e && e.gateway) GATEWAY_ADAPTERS.note(gatewayDialect(e.gateway));
}

/** Document order within the scenario file first, then other files (config files) in their order. */
function sortDiagnostics(list: Diagnostic[], file: string): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const fa = a.d.loc?.file === file ? 0 : 1;
      const fb = b.d.loc?.file === file ? 0 : 1;
      return fa - fb || (a.d.loc?.line ?? 0) - (b.d.loc?.line ?? 0) || (a.d.loc?.col ?? 0) - (b.d.loc?.col ?? 0) || a.i - b.i;
    })
    .map(({ d }) => d);
}
