/**
 * What every fuzz file shares: the seed (printed, replayable with FC_SEED), real fixtures per dialect,
 * text mutations that aim at the YAML entry's weak spots, and the one property every loader must keep —
 * it returns, every diagnostic is placed (file, line ≥ 1, column ≥ 1) and coded, and no prototype of
 * the running program has changed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Diagnostic } from '../../engine/core/errors.ts';
import type { Dialect } from '../../engine/config/ir.ts';
import { loadGateway, type LoadedGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { parseGolden } from '../support/golden.ts';

/** A fixed seed per file keeps CI repeatable; FC_SEED explores (or replays) another one. */
export function fuzzSeed(name: string, fixed: number): number {
  const seed = Number(process.env['FC_SEED'] ?? fixed);
  console.log(`${name} fuzz seed: ${seed} (set FC_SEED=${seed} to replay)`);
  return seed;
}

/** CI's run count; FUZZ_SCALE=20 (say) hunts longer on a developer's machine. */
export function runs(n: number): number {
  return Math.max(1, Math.round(n * Number(process.env['FUZZ_SCALE'] ?? 1)));
}

/** The first input of every golden in a dialect's golden folder: real configs, good and bad. */
export function goldenInputs(dialectDir: string): string[] {
  const dir = join('engine/config', dialectDir, 'golden');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => parseGolden(f.replace(/\.txt$/, ''), readFileSync(join(dir, f), 'utf8')).inputs[0]?.text ?? '');
}

/** The inline native-IR configs of the scenarios that use `format: ir`. */
export function nativeIrInputs(): string[] {
  const files = ['scenarios/auth/partner-tiers.yaml', 'scenarios/auth/jwks-cache.yaml', 'scenarios/rate-limiting/token-bucket-flavours.yaml'];
  return files.map((f) => stringify((parse(readFileSync(f, 'utf8')) as { gateway: { config: unknown } }).gateway.config));
}

/** Values that break naive code: absurd numbers, alias syntax, regexes RE2 refuses or that backtrack. */
export const HOSTILE_SCALARS = [
  '1e400', '-1e400', '18446744073709551616', '9007199254740993', '-0', '.nan', '.inf', '-.inf', '0x7fffffffffffffff', '0o777',
  '~', 'null', '""', "''", '[]', '{}', '*a', '&a x', '&a', '!!binary aGk=', '!!str 12', '!custom x', '|', '>-',
  '"~/(a+)+$"', '"~/(?=x)y"', '"^(a|aa)+$"', '"(?<=a)b"', '"(a)\\\\1"', '"[a-"', '"(?P<n>x)"', '"x{1000}{1000}"',
  'PathRegexp(`^/(a+)+$`)', 'Host(`a`) && PathRegexp(`(?=x)`)', 'PathPrefix(`/`', 'constructor', '__proto__', 'toString',
  'hasOwnProperty', 'valueOf', '/api', 'true', '-1', '0', '65536', '3.0', '"\\u0000"', '"\\ud800"',
];
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'length', '0', ''];

type Edit =
  | { op: 'drop' | 'dup' | 'indent' | 'dedent' | 'truncate'; at: number }
  | { op: 'scalar'; at: number; value: string }
  | { op: 'key'; at: number; key: string; value: string }
  | { op: 'anchor'; at: number; to: number }
  | { op: 'char'; at: number; ch: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constantFrom('drop' as const, 'dup' as const, 'indent' as const, 'dedent' as const, 'truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('scalar' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...HOSTILE_SCALARS), fc.string({ maxLength: 6 })) }),
  fc.record({ op: fc.constant('key' as const), at: fc.nat(), key: fc.constantFrom(...HOSTILE_KEYS), value: fc.constantFrom('{polluted: 1}', '{prototype: {polluted: 1}}', '1', '*a') }),
  fc.record({ op: fc.constant('anchor' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('char' as const), at: fc.nat(), ch: fc.constantFrom(':', '-', ' ', '\t', '{', '[', ']', '"', "'", '#', '&', '*', '!', '|', '%', '@', '`', 'x') }),
);

function applyEdit(lines: string[], e: Edit): void {
  if (lines.length === 0) lines.push('');
  const i = e.at % lines.length;
  const line = lines[i] as string;
  const indent = /^ */.exec(line)?.[0] ?? '';
  switch (e.op) {
    case 'drop':
      lines.splice(i, 1);
      return;
    case 'dup':
      lines.splice(i, 0, line);
      return;
    case 'indent':
      lines[i] = `  ${line}`;
      return;
    case 'dedent':
      lines[i] = line.replace(/^ {1,2}/, '');
      return;
    case 'truncate':
      lines.splice(i + 1);
      lines[i] = line.slice(0, e.at % (line.length + 1));
      return;
    case 'scalar': {
      // Replace the value after the first `: ` (or the item after `- `), keeping the key.
      const m = /^(\s*(?:- )?[^:#]*?:\s)|^(\s*- )/.exec(line);
      lines[i] = m ? `${m[0]}${e.value}` : `${indent}${e.value}`;
      return;
    }
    case 'key':
      lines.splice(i, 0, `${indent}${e.key}: ${e.value}`);
      return;
    case 'anchor': {
      // An anchor on one value and an alias standing for another; order decides whether it resolves.
      const j = e.to % lines.length;
      lines[i] = line.replace(/(:\s|- )/, '$1&a ');
      lines[j] = (lines[j] as string).replace(/(:\s).*$/, '$1*a');
      return;
    }
    case 'char': {
      const k = line.length === 0 ? 0 : e.at % line.length;
      lines[i] = line.slice(0, k) + e.ch + line.slice(k + 1);
      return;
    }
  }
}

/** A fixture with a few edits applied. */
export function mutated(fixtures: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...fixtures), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([text, edits]) => {
    const lines = text.split('\n');
    for (const e of edits) applyEdit(lines, e);
    return lines.join('\n');
  });
}

/** Text of every kind: mutated fixtures mostly, some plain garbage. */
export function yamlishText(fixtures: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(fixtures) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  );
}

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
const PROTOTYPE_KEYS = new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort().join(',')]));

/** No run may add, remove or replace a property of a built-in prototype. */
export function expectPrototypesUntouched(): void {
  for (const [name, proto] of PROTOTYPES) expect(Reflect.ownKeys(proto).map(String).sort().join(','), name).toBe(PROTOTYPE_KEYS.get(name));
  expect((({}) as Record<string, unknown>)['polluted']).toBeUndefined();
}

/** Every diagnostic placed and coded; none admits to being a gatelab bug. */
export function expectPlaced(diagnostics: readonly Diagnostic[], lineCounts: ReadonlyMap<string, number> = new Map()): void {
  for (const d of diagnostics) {
    const where = JSON.stringify(d);
    expect(d.code, where).toMatch(/^GL_[EW]_[A-Z0-9_]+$/);
    expect(d.message.length, where).toBeGreaterThan(0);
    expect(d.message, where).not.toMatch(/gatelab bug/);
    expect(d.loc, where).toBeDefined();
    expect(typeof d.loc?.file === 'string' && d.loc.file.length > 0, where).toBe(true);
    expect(d.loc?.line, where).toBeGreaterThanOrEqual(1);
    expect(d.loc?.col, where).toBeGreaterThanOrEqual(1);
    const lines = d.loc ? lineCounts.get(d.loc.file) : undefined;
    if (lines !== undefined) expect(d.loc?.line, where).toBeLessThanOrEqual(lines);
  }
}

export const CONFIG_FILE = 'fuzz/config.yaml';
export const OVERLAY_FILE = 'fuzz/overlay.yaml';

/** Text → YAML entry → loadGateway, optionally with an overlay text; everything a user can feed in. */
export function loadConfigText(text: string, format: Dialect | undefined, overlay?: string): { parse: Diagnostic[]; loaded?: LoadedGateway } {
  const base = parseYaml(text, CONFIG_FILE);
  const over = overlay === undefined ? undefined : parseYaml(overlay, OVERLAY_FILE);
  const parseDiagnostics = [...base.diagnostics, ...(over?.diagnostics ?? [])];
  if (parseDiagnostics.some((d) => d.severity === 'error')) return { parse: parseDiagnostics };
  const loaded = loadGateway({
    ...(format ? { format } : {}),
    sources: [{ docs: base.docs, file: CONFIG_FILE }],
    overlays: over ? [{ docs: over.docs, file: OVERLAY_FILE }] : [],
  });
  return { parse: parseDiagnostics, loaded };
}

export function lineCountsOf(text: string, overlay?: string): Map<string, number> {
  const counts = new Map([[CONFIG_FILE, text.split('\n').length]]);
  if (overlay !== undefined) counts.set(OVERLAY_FILE, overlay.split('\n').length);
  return counts;
}
