// @vitest-environment node
/** "New scenario" must load and run as written, and teach the format's modeline. */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../../../engine/scenario/load.ts';
import { runVariant } from '../../../../engine/runtimes/sim/run-scenario.ts';
import { newScenarioFile, scenarioTemplate } from './template.ts';

describe('the new-scenario template', () => {
  const text = scenarioTemplate('my-scenario');

  it('starts with the schema modeline and loads without errors or warnings', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../engine/scenario/scenario.schema.json');
    const r = loadScenarioText(text, 'local/my-scenario.yaml', () => {
      throw new Error('the template reads no files');
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.scenario?.id).toBe('my-scenario');
    expect(r.scenario?.variants.map((v) => v.name)).toEqual(['base', 'roomier']);
  });

  it('runs every variant with every expectation passing', async () => {
    const r = loadScenarioText(text, 'local/my-scenario.yaml', () => '');
    for (const v of r.scenario?.variants ?? []) {
      const run = await runVariant(r.scenario!, v.name, { level: 'decisions' });
      expect(run.diagnostics.filter((d) => d.severity === 'error'), v.name).toEqual([]);
      expect(run.expectations.length, v.name).toBeGreaterThan(0);
      for (const e of run.expectations) expect(e.pass, e.message).toBe(true);
    }
  });

  it('files new scenarios under local/ without clobbering one', () => {
    expect(newScenarioFile([])).toBe('local/my-scenario.yaml');
    expect(newScenarioFile(['local/my-scenario.yaml', 'local/my-scenario-2.yaml'])).toBe('local/my-scenario-3.yaml');
  });
});
