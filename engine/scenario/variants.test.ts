import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/errors.ts';
import { applyVariant, loadScenario, loadScenarioText } from './load.ts';
import type { Scenario } from './types.ts';

const FIX = 'engine/scenario/fixtures';
const GOOD = `${FIX}/good.yaml`;
const readFile = (p: string): string => readFileSync(p, 'utf8');

function base(): Scenario {
  const r = loadScenario(GOOD, readFile);
  if (!r.scenario) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.scenario;
}

function variant(s: Scenario, name: string): Scenario {
  const r = applyVariant(s, name);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  if (!r.scenario) throw new Error(`variant ${name} did not apply`);
  return r.scenario;
}

describe('applyVariant', () => {
  it('merges mappings, deletes on null and leaves everything else as the base has it', () => {
    const s = base();
    const v = variant(s, 'no-overlay');
    expect(v.variant).toBe('no-overlay');
    expect(v.replicas).toBe(3);
    expect(v.gateway.overlays).toEqual([]);
    // Untouched: the inline config, clients, the expectations of every variant.
    expect(v.gateway.sources).toHaveLength(1);
    expect(v.clients).toEqual(s.clients);
    expect(v.expect.map((e) => e.path)).toEqual(s.expect.map((e) => e.path));
    expect(v.variants).toEqual(s.variants);
  });

  it('points patched paths at the variant lines and the rest at the base lines', () => {
    const v = variant(base(), 'no-overlay');
    expect(v.map.locate(['replicas'])).toEqual({ file: GOOD, line: 73, col: 17 });
    expect(v.map.locate(['replicas'], { key: true })).toEqual({ file: GOOD, line: 73, col: 7 });
    expect(v.map.locate(['frontBalancer'])).toEqual({ file: GOOD, line: 22, col: 16 });
  });

  it('replaces embedded gateway config whole, with locations inside the variant', () => {
    const v = variant(base(), 'other-config');
    const [source] = v.gateway.sources;
    expect(source?.docs[0]?.value).toEqual({ _format_version: '3.1', consumers: [] });
    expect(source?.docs[0]?.map.locate(['_format_version'])).toEqual({ file: GOOD, line: 83, col: 28 });
    expect(source?.docs[0]?.map.locate(['services'])).toEqual({ file: GOOD, line: 83, col: 11 });
    // The overlay is a sibling of config, so it survives.
    expect(v.gateway.overlays).toHaveLength(1);
  });

  it('starts every variant from the file as written, and goes back to base', () => {
    const s = base();
    const other = variant(s, 'other-config');
    const fromOther = variant(other, 'no-overlay');
    expect(fromOther.gateway.sources[0]?.docs[0]?.value).toEqual(s.gateway.sources[0]?.docs[0]?.value);
    const back = variant(fromOther, 'base');
    expect(back.variant).toBe('base');
    expect(back.replicas).toBe(2);
    expect(applyVariant(s, 'base').scenario).toBe(s);
  });

  it('names an unknown variant with the nearest one', () => {
    const r = applyVariant(base(), 'no-overlya');
    expect(r.scenario).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      `${GOOD}:69:3: error GL_E_VARIANT: unknown variant 'no-overlya' (did you mean 'no-overlay'?)`,
    ]);
  });

  it('needs the reader again only when the scenario crossed a realm', () => {
    const s = base();
    // A structured clone (a worker boundary) keeps the data but not the identity the reader hangs on.
    const crossed: Scenario = { ...s, source: { ...(s.source as NonNullable<Scenario['source']>) } };
    const lost = applyVariant(crossed, 'no-overlay');
    expect(lost.diagnostics.map((d) => d.code)).toEqual(['GL_E_FILE']);
    expect(lost.diagnostics[0]?.message).toContain('pass readFile to applyVariant');
    expect(applyVariant(crossed, 'no-overlay', readFile).scenario?.replicas).toBe(3);
  });
});

const TEXT = `id: x
title: t
topic: basics
summary: s
start: 2026-01-01T12:00:00Z
duration: 1m
gateway:
  config: { _format_version: "3.0" }
clients:
  - id: a
    ip: 10.0.0.1
    request: { url: http://api.example.com/ }
    traffic:
      - constant: { rate: 1/s }
variants:
  from-files:
    patch:
      gateway:
        files: [kong.yaml]
  no-clients:
    patch:
      clients: null
`;

describe('variant patches, end to end', () => {
  const files: Record<string, string> = { 'dir/kong.yaml': '_format_version: "3.0"\nservices: []\n' };
  const read = (p: string): string => {
    const text = files[p];
    if (text === undefined) throw new Error('no such file');
    return text;
  };

  it('switching gateway.config to gateway.files drops the config instead of failing on both', () => {
    const loaded = loadScenarioText(TEXT.replace(/ {2}no-clients:\n.*\n.*\n/, ''), 'dir/s.yaml', read);
    expect(loaded.diagnostics).toEqual([]);
    const v = applyVariant(loaded.scenario as Scenario, 'from-files');
    expect(v.scenario?.gateway.sources.map((s) => s.file)).toEqual(['dir/kong.yaml']);
  });

  it('a null that deletes a required field is reported at the null', () => {
    const loaded = loadScenarioText(TEXT, 'dir/s.yaml', read);
    expect(loaded.scenario).toBeUndefined();
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      "dir/s.yaml:22:7: error GL_E_SCHEMA: variant 'no-clients': missing required field 'clients' (this patch deletes clients, which is required)",
    ]);
  });
});

/** A base with two captions; one variant tells its own story, the other keeps the base's. */
const NARRATED = `${TEXT.replace(/variants:\n[\s\S]*$/, '')}narration:
  - { at: 30s, text: base later }
  - { at: 0s, text: base first }
variants:
  told-again:
    patch:
      narration:
        - { at: 20s, text: variant later }
        - { at: 5s, text: variant first }
  untold:
    patch:
      duration: 2m
`;

describe('a variant narration (docs/scenario-format.md, Variants)', () => {
  const loaded = loadScenarioText(NARRATED, 'dir/n.yaml', () => {
    throw new Error('no file to read');
  });

  it('replaces the base captions whole, sorted by instant, and a variant without one keeps the base captions', () => {
    expect(loaded.diagnostics).toEqual([]);
    const s = loaded.scenario as Scenario;
    expect(s.narration).toEqual([
      { atMs: 0, text: 'base first' },
      { atMs: 30_000, text: 'base later' },
    ]);
    expect(variant(s, 'told-again').narration).toEqual([
      { atMs: 5_000, text: 'variant first' },
      { atMs: 20_000, text: 'variant later' },
    ]);
    expect(variant(s, 'untold').narration).toEqual(s.narration);
  });

  it("reports a bad instant in a variant's narration at the patch line, with the variant's name", () => {
    const broken = loadScenarioText(NARRATED.replace('at: 5s', 'at: soon'), 'dir/n.yaml', () => '');
    expect(broken.scenario).toBeUndefined();
    expect(broken.diagnostics.map((d) => [d.loc?.line, d.message.startsWith("variant 'told-again'")])).toEqual([[23, true]]);
  });
});
