/**
 * Bad input gets a clear error naming file:line:column with a hint, from every command that reads it
 * (issue 2: unknown field, wrong type, a duration like "5 sec", a YAML syntax error).
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const F = 'test/cli/fixtures';

const cases = [
  { file: 'unknown-field.yaml', where: '22:1', code: 'GL_E_UNKNOWN_FIELD', hint: "did you mean 'clients'?" },
  { file: 'wrong-type.yaml', where: '8:7', code: 'GL_E_TYPE', hint: 'write an integer' },
  { file: 'bad-duration.yaml', where: '9:11', code: 'GL_E_DURATION', hint: 'Go-style durations such as 59s, 1m1s, 250ms' },
  { file: 'yaml-syntax.yaml', where: '26:5', code: 'GL_E_YAML_SYNTAX', hint: 'check the indentation' },
] as const;

describe.each(cases)('$file', ({ file, where, code, hint }) => {
  const expected = `${F}/${file}:${where}: error ${code}:`;

  it('lint names file:line:col, the code and a hint, and exits 1', () => {
    const r = gatelab(['lint', `${F}/${file}`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(expected);
    expect(r.stdout).toContain(hint);
  });

  it('run reports the same error on stderr and exits 2, with no stack trace', () => {
    const r = gatelab(['run', `${F}/${file}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain(hint);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('check lists it under a FAIL line, still prints the closing count, and exits 2', () => {
    const r = gatelab(['check', `${F}/${file}`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`FAIL ${F}/${file}: does not load`);
    expect(r.stdout).toContain(expected);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});

describe('vendor config errors', () => {
  it('a misspelt Kong plugin field points at its key with the nearest known name', () => {
    const r = gatelab(['lint', `${F}/bad-kong.yaml`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${F}/bad-kong.yaml:11:11: error GL_E_UNKNOWN_FIELD:`);
    expect(r.stdout).toContain("did you mean 'minute'?");
  });

  it('explain on a broken config exits 2 with the diagnostic', () => {
    const r = gatelab(['explain', '--config', `${F}/bad-kong.yaml`, '--request', 'GET http://a.example/api/v1/orders']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${F}/bad-kong.yaml:11:11`);
  });

  it('a missing file is reported, not thrown', () => {
    const r = gatelab(['run', `${F}/does-not-exist.yaml`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('GL_E_FILE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('usage errors', () => {
  it('an unknown option exits 2 and points to --help', () => {
    const r = gatelab(['run', `${F}/good.yaml`, '--speed', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('gatelab run --help');
  });

  it('an unknown command exits 2 and lists the commands', () => {
    const r = gatelab(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Commands:');
  });

  // One test per command: each spawns the binary, and eight spawns in one test outgrow its timeout.
  it.each(['run', 'check', 'lint', 'explain', 'serve', 'verify', 'translate', 'attack'])('%s prints --help and exits 0', (cmd) => {
    const r = gatelab([cmd, '--help']);
    expect(r.status, cmd).toBe(0);
    expect(r.stdout, cmd).toContain(`Usage: gatelab ${cmd}`);
  });
});
