/**
 * Command-line parsing for the gatelab commands, on node:util's parseArgs. A command declares its
 * options (kind, bounds, choices, default) and how many positionals it takes; it gets typed values
 * back, --help handled, and every usage error in one wording that names the option and what it takes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT } from './io.ts';

export class UsageError extends Error {}

type ParseOptions = NonNullable<ParseArgsConfig['options']>;
type RawValues = Record<string, string | boolean | string[] | undefined>;

/** One option as a command declares it; `value` is the placeholder its help shows (FILE, NAME). */
export type OptionSpec =
  | { kind: 'flag' }
  | { kind: 'text'; value: string; short?: string; default?: string; required?: true; example?: string }
  | { kind: 'texts'; value: string; short?: string }
  | { kind: 'int'; min?: number; max?: number; default?: number }
  | { kind: 'number'; min: number; max: number; expected: string; default?: number }
  | { kind: 'choice'; choices: readonly string[]; default?: string; required?: true };

type Present<S, T> = S extends { default: unknown } | { required: true } ? T : T | undefined;
type ValueOf<S extends OptionSpec> = S extends { kind: 'flag' }
  ? boolean
  : S extends { kind: 'texts' }
    ? string[]
    : S extends { kind: 'choice'; choices: readonly (infer C)[] }
      ? Present<S, C>
      : S extends { kind: 'int' | 'number' }
        ? Present<S, number>
        : Present<S, string>;

export type OptionSpecs = Record<string, OptionSpec>;
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

/** Positionals: exactly one or at least one of a named thing (the name goes into the error), none, or any. */
export type PositionalSpec = { exactlyOne: string } | { atLeastOne: string } | 'none' | 'any';

export interface CommandSpec<O extends OptionSpecs> {
  name: string;
  help: string;
  options: O;
  positionals: PositionalSpec;
}

export interface CommandArgs<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
}

/** Declares options with their literal types kept (choices become unions), for commands that pass values on. */
export function options<const O extends OptionSpecs>(specs: O): O {
  return specs;
}

/** A command's entry point: parses and checks argv, prints the help on -h/--help, else runs `body`. */
export function command<const O extends OptionSpecs>(
  spec: CommandSpec<O>,
  body: (args: CommandArgs<O>) => Promise<number>,
): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const expected = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, expectation(o)]));
    const { values, positionals } = parse(argv, parseArgsOptions(spec.options), expected);
    if (values.help) {
      console.log(spec.help);
      return EXIT.ok;
    }
    checkPositionals(spec.name, spec.positionals, positionals);
    return body({ values: readValues(spec.name, spec.options, values), positionals });
  };
}

/** The error for an option a command needs only in some cases (checked in the command itself). */
export function missingOption(commandName: string, name: string, spec: OptionSpec): UsageError {
  const value = spec.kind === 'choice' ? spec.choices.join('|') : 'value' in spec ? spec.value : '';
  const example = 'example' in spec && spec.example ? `, for example --${name} ${spec.example}` : '';
  return new UsageError(`${commandName} needs --${name}${value ? ` ${value}` : ''}${example}`);
}

/**
 * parseArgs in strict mode with -h/--help added; its errors become usage errors in gatelab's words.
 * `expected` says what an option's value is, for "needs a value" errors (serve.ts calls this directly).
 */
export function parse(argv: string[], options: ParseOptions, expected: Record<string, string> = {}): { values: RawValues; positionals: string[] } {
  const all: ParseOptions = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    const { values, positionals } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
    return { values: values as RawValues, positionals };
  } catch (e) {
    throw new UsageError(parseErrorMessage(e, all, expected));
  }
}

/** A whole number ≥ 0 from an option's text, or undefined when the option was not given. */
export function intOption(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : readInt(name, { kind: 'int' }, String(value));
}

function parseErrorMessage(e: unknown, all: ParseOptions, expected: Record<string, string>): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  // Node names the offending flag in quotes ('--seed' or '--seed <value>'); its advice is for JS callers.
  const flag = /'(-[^' <,]+)/.exec(message)?.[1];
  if (!flag) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = Object.entries(all).map(([name, o]) => (o.short ? `-${o.short}/--${name}` : `--${name}`));
    return `unknown option '${flag}'; the options are ${known.join(', ')}`;
  }
  if (code !== 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return message;
  if (/does not take an argument/.test(message)) return `${flag} is a switch and takes no value`;
  const name = Object.entries(all).find(([n, o]) => flag === `--${n}` || flag === `-${o.short}`)?.[0];
  const what = name !== undefined ? expected[name] : undefined;
  const dash = /ambiguous/.test(message) ? `; a value that starts with '-' goes as ${flag}=-…` : '';
  return `${flag} needs a value${what ? ` (${what})` : ''}${dash}`;
}

function parseArgsOptions(specs: OptionSpecs): ParseOptions {
  const out: ParseOptions = {};
  for (const [name, o] of Object.entries(specs)) {
    const short = 'short' in o && o.short ? { short: o.short } : {};
    out[name] = o.kind === 'flag' ? { type: 'boolean' } : { type: 'string', ...short, ...(o.kind === 'texts' ? { multiple: true } : {}) };
  }
  return out;
}

function checkPositionals(commandName: string, spec: PositionalSpec, got: string[]): void {
  if (spec === 'any') return;
  if (spec === 'none') {
    if (got.length > 0) throw new UsageError(`unexpected argument '${got[0]}'`);
  } else if ('exactlyOne' in spec) {
    if (got.length !== 1) throw new UsageError(`${commandName} takes exactly one ${spec.exactlyOne}`);
  } else if (got.length === 0) {
    throw new UsageError(`${commandName} needs at least one ${spec.atLeastOne}`);
  }
}

function readValues<O extends OptionSpecs>(commandName: string, specs: O, raw: RawValues): OptionValues<O> {
  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(specs)) {
    const given = raw[name];
    if (o.kind === 'flag') out[name] = given === true;
    else if (o.kind === 'texts') out[name] = (given as string[] | undefined) ?? [];
    else if ('required' in o && o.required && !given) throw missingOption(commandName, name, o);
    else out[name] = given === undefined ? o.default : readValue(name, o, given as string);
  }
  return out as OptionValues<O>;
}

function readValue(name: string, o: Exclude<OptionSpec, { kind: 'flag' | 'texts' }>, text: string): string | number {
  if (o.kind === 'int') return readInt(name, o, text);
  if (o.kind === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n) || n < o.min || n > o.max) throw new UsageError(`--${name} takes ${o.expected}, not '${text}'`);
    return n;
  }
  if (o.kind === 'choice' && !o.choices.includes(text)) throw new UsageError(`--${name} must be ${expectation(o)}, not '${text}'`);
  return text;
}

function readInt(name: string, o: Extract<OptionSpec, { kind: 'int' }>, text: string): number {
  const n = Number(text);
  const min = o.min ?? 0;
  if (!Number.isInteger(n) || n < min || (o.max !== undefined && n > o.max)) throw new UsageError(`--${name} takes ${expectation(o)}, not '${text}'`);
  return n;
}

/** What an option's value must be, in words: "a whole number ≥ 0", "auto, fast or sim", "FILE". */
function expectation(o: OptionSpec): string {
  switch (o.kind) {
    case 'flag':
      return '';
    case 'int': {
      const min = o.min ?? 0;
      return o.max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${o.max}`;
    }
    case 'number':
      return o.expected;
    case 'choice':
      return o.choices.length < 2 ? (o.choices[0] ?? '') : `${o.choices.slice(0, -1).join(', ')} or ${o.choices.at(-1)}`;
    default:
      return o.value;
  }
}
