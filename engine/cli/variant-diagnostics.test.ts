import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../core/errors.ts';
import { mergeVariantDiagnostics, nameVariants } from './variant-diagnostics.ts';

const at = (line: number, message: string, severity: 'error' | 'warning' = 'warning'): Diagnostic => ({
  severity,
  code: severity === 'error' ? 'GL_E_UNKNOWN_FIELD' : 'GL_W_LESSON_DIFFERS',
  message,
  loc: { file: 'c.yaml', line, col: 3 },
});

describe('mergeVariantDiagnostics', () => {
  it('a problem every variant shares is listed once, as the base has it', () => {
    const shared = at(8, 'request-transformer: $(uuid) is not a template variable');
    const out = mergeVariantDiagnostics([
      { name: 'base', diagnostics: [shared] },
      { name: 'with-correlation-id', diagnostics: [shared] },
    ]);
    expect(out.map(formatDiagnostic)).toEqual(['c.yaml:8:3: warning GL_W_LESSON_DIFFERS: request-transformer: $(uuid) is not a template variable']);
  });

  it("a problem only variants have names them, in order, after the base's own", () => {
    const own = at(6, "jwt: unknown field 'run_on_prefligth'", 'error');
    const out = mergeVariantDiagnostics([
      { name: 'base', diagnostics: [at(1, 'shared')] },
      { name: 'a', diagnostics: [at(1, 'shared'), own] },
      { name: 'b', diagnostics: [own] },
      { name: 'c', diagnostics: [at(2, 'only c')] },
    ]);
    expect(out.map((d) => d.message)).toEqual(['shared', "variants 'a', 'b': jwt: unknown field 'run_on_prefligth'", "variant 'c': only c"]);
  });

  it('does not name a variant twice, and names none when the base was not run', () => {
    const named = at(3, "variant 'a': '10 per second' is not a rate", 'error');
    expect(mergeVariantDiagnostics([{ name: 'base', diagnostics: [] }, { name: 'a', diagnostics: [named] }])[0]?.message).toBe(named.message);
    expect(mergeVariantDiagnostics([{ name: 'a', diagnostics: [at(4, 'x')] }])[0]?.message).toBe('x');
    expect(nameVariants(at(4, 'x'), [])).toEqual(at(4, 'x'));
  });
});
