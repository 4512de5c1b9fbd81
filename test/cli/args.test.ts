/**
 * The shared option parsing (engine/cli/args.ts) in-process: typed values and defaults, --help, and
 * one wording for every usage error. The spawned commands' side is in usage-errors.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { command, intOption, options, UsageError, type CommandArgs } from '../../engine/cli/args.ts';

const DEMO = {
  name: 'demo',
  help: 'Usage: gatelab demo FILE',
  positionals: { exactlyOne: 'scenario file' },
  options: options({
    variant: { kind: 'text', value: 'NAME', default: 'base' },
    seed: { kind: 'int' },
    runs: { kind: 'int', min: 1 },
    status: { kind: 'int', min: 100, max: 599, default: 200 },
    tolerance: { kind: 'number', min: 0, max: 100, expected: 'a percentage from 0 to 100', default: 0 },
    level: { kind: 'choice', choices: ['summary', 'decisions', 'full'] },
    claim: { kind: 'text', value: 'TEXT', required: true, example: '"max 1 per 1s"' },
    header: { kind: 'texts', value: '"Name: value"', short: 'H' },
    json: { kind: 'flag' },
  }),
} as const;

type DemoArgs = CommandArgs<typeof DEMO.options>;

/** Runs the demo command and returns what its body received, or the usage error's message. */
async function demo(argv: string[]): Promise<DemoArgs | string> {
  let got: DemoArgs | undefined;
  try {
    await command(DEMO, async (args) => {
      got = args;
      return 0;
    })(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  if (!got) throw new Error('the body did not run');
  return got;
}

describe('command(): typed values', () => {
  it('applies defaults and reads every kind', async () => {
    const got = await demo(['f.yaml', '--claim', 'max 1 per 1s', '--seed', '7', '-H', 'A: 1', '--header', 'B: 2', '--json', '--level', 'full', '--tolerance', '2.5']);
    expect(got).toEqual({
      positionals: ['f.yaml'],
      values: { variant: 'base', seed: 7, runs: undefined, status: 200, tolerance: 2.5, level: 'full', claim: 'max 1 per 1s', header: ['A: 1', 'B: 2'], json: true },
    });
  });

  it('prints the help on --help and -h without running the body or checking anything else', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const body = vi.fn(async () => 0);
    try {
      for (const flag of ['--help', '-h']) expect(await command(DEMO, body)([flag, '--seed', 'x'])).toBe(0);
      expect(log).toHaveBeenCalledWith('Usage: gatelab demo FILE');
      expect(body).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});

describe('command(): usage errors name the option and what it takes', () => {
  const CLAIM = ['--claim', 'max 1 per 1s'];
  it.each([
    [['f.yaml', ...CLAIM, '--speed', '3'], "unknown option '--speed'; the options are --variant, --seed"],
    [['f.yaml', ...CLAIM, '--seed'], '--seed needs a value (a whole number ≥ 0)'],
    [['f.yaml', ...CLAIM, '-H'], '-H needs a value ("Name: value")'],
    [['f.yaml', ...CLAIM, '--seed', '-1'], "--seed needs a value (a whole number ≥ 0); a value that starts with '-' goes as --seed=-…"],
    [['f.yaml', ...CLAIM, '--json=yes'], '--json is a switch and takes no value'],
    [['f.yaml', ...CLAIM, '--seed', 'x'], "--seed takes a whole number ≥ 0, not 'x'"],
    [['f.yaml', ...CLAIM, '--seed', '1.5'], "--seed takes a whole number ≥ 0, not '1.5'"],
    [['f.yaml', ...CLAIM, '--runs', '0'], "--runs takes a whole number ≥ 1, not '0'"],
    [['f.yaml', ...CLAIM, '--status', '42'], "--status takes a whole number from 100 to 599, not '42'"],
    [['f.yaml', ...CLAIM, '--tolerance', '101'], "--tolerance takes a percentage from 0 to 100, not '101'"],
    [['f.yaml', ...CLAIM, '--level', 'all'], "--level must be summary, decisions or full, not 'all'"],
    [['f.yaml'], 'demo needs --claim TEXT, for example --claim "max 1 per 1s"'],
    [['f.yaml', '--claim', ''], 'demo needs --claim TEXT, for example --claim "max 1 per 1s"'],
    [[...CLAIM], 'demo takes exactly one scenario file'],
    [['a.yaml', 'b.yaml', ...CLAIM], 'demo takes exactly one scenario file'],
  ])('%j → %s', async (argv, message) => {
    const got = await demo(argv);
    expect(typeof got).toBe('string');
    expect(got as string).toContain(message);
  });

  it('positionals: at least one, none, any', async () => {
    const run = (positionals: 'none' | 'any' | { atLeastOne: string }, argv: string[]): Promise<number> =>
      command({ name: 'p', help: '', positionals, options: {} }, async () => 0)(argv);
    await expect(run({ atLeastOne: 'config file' }, [])).rejects.toThrow('p needs at least one config file');
    await expect(run({ atLeastOne: 'config file' }, ['a', 'b'])).resolves.toBe(0);
    await expect(run('none', ['stray'])).rejects.toThrow("unexpected argument 'stray'");
    await expect(run('any', [])).resolves.toBe(0);
  });
});

describe('whole-number options (property)', () => {
  const seed = Number(process.env['FC_SEED'] ?? 0x0a495);
  console.log(`args whole-number property seed: ${seed} (set FC_SEED=${seed} to replay)`);

  it('accept exactly the texts that are whole numbers in range, and name the option otherwise', async () => {
    const text = fc.oneof(fc.integer({ min: -5, max: 700 }).map(String), fc.string({ maxLength: 6 }), fc.double({ min: -5, max: 700, noNaN: true }).map(String));
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        const got = await demo(['f.yaml', '--claim', 'c', `--status=${value}`]);
        const n = Number(value);
        if (Number.isInteger(n) && n >= 100 && n <= 599) expect(got).toMatchObject({ values: { status: n } });
        else expect(got).toBe(`--status takes a whole number from 100 to 599, not '${value}'`);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('intOption (kept for serve) agrees with the int kind', () => {
    expect(intOption(undefined, 'grace')).toBeUndefined();
    expect(intOption('30', 'grace')).toBe(30);
    expect(() => intOption('-1', 'grace')).toThrow("--grace takes a whole number ≥ 0, not '-1'");
  });
});
