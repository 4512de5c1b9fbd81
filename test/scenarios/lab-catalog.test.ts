/**
 * The catalog the lab ships: built once from scenarios/ when the lab is built (scripts/lab-catalog.ts)
 * and served to the worker as a module, instead of the worker loading every scenario at each start.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLabCatalog, catalogModule, readScenarioFiles } from '../../scripts/lab-catalog.ts';
import { looksLikeScenario } from '../../lab-ui/src/worker/run-session.ts';

const catalog = buildLabCatalog(process.cwd());

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? yamlFilesUnder(join(dir, d.name)) : /\.ya?ml$/.test(d.name) ? [join(dir, d.name)] : []));
}

describe('the build-time scenario catalog', () => {
  it('lists every scenario file under scenarios/ once, sorted by path, and no config file', () => {
    const files = readScenarioFiles(process.cwd());
    const scenarios = [...files].filter(([p, text]) => /\.ya?ml$/.test(p) && looksLikeScenario(text)).map(([p]) => p);
    expect(catalog.map((s) => s.file)).toEqual(scenarios.sort((a, b) => a.localeCompare(b)));
    // Repository paths with forward slashes, the keys the worker fetches texts by.
    expect(yamlFilesUnder('scenarios').length).toBe([...files.keys()].filter((p) => /\.ya?ml$/.test(p)).length);
    expect(catalog.every((s) => s.file.startsWith('scenarios/') && !s.file.includes('\\'))).toBe(true);
  });

  it('carries what the lab shows: boundary-burst with topic, tags, variants, narration, no errors', () => {
    const bb = catalog.find((s) => s.id === 'boundary-burst');
    expect(bb).toMatchObject({ file: 'scenarios/rate-limiting/boundary-burst.yaml', topic: 'rate-limiting', seed: 7 });
    expect(bb?.variants[0]?.name).toBe('base');
    expect(bb?.variants.map((v) => v.name)).toContain('same-window');
    expect(bb?.narration.length).toBeGreaterThan(0);
    expect(bb?.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('records the config files each scenario reads, so the editor can open them', () => {
    const withConfigs = catalog.filter((s) => (s.sources ?? []).length > 0);
    expect(withConfigs.length).toBeGreaterThan(0);
    const shipped = readScenarioFiles(process.cwd());
    for (const s of withConfigs) for (const p of s.sources ?? []) expect(shipped.has(p), `${s.file} reads ${p}`).toBe(true);
  });

  it('turns into a module whose data is the catalog without narration texts (runs bring those)', async () => {
    const text = catalogModule(catalog);
    const url = `data:text/javascript;base64,${Buffer.from(text).toString('base64')}`;
    const mod = (await import(url)) as { SCENARIO_CATALOG: unknown };
    expect(mod.SCENARIO_CATALOG).toEqual(JSON.parse(JSON.stringify(catalog.map((s) => ({ ...s, narration: [] })))));
    expect(text).not.toContain(catalog.find((s) => s.narration.length > 0)?.narration[0]?.text);
  });
});
