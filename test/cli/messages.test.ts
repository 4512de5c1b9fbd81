/**
 * Messages an instructor met while writing the snippet 03 and 06 scenarios from the docs alone: each
 * one either repeated itself, or was silent where it should have pointed at the mistake.
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

describe('gatelab run', () => {
  it('prints a config warning once, not once per variant', () => {
    // Two variants load the same snippet 06, whose $(uuid) earns one GL_W_LESSON_DIFFERS.
    const r = gatelab(['run', 'scenarios/transforms/request-transformer-snippet.yaml']);
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('GL_W_LESSON_DIFFERS'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^scenarios\/transforms\/configs\/06-kong-request-transformer\.yaml:8:13: warning GL_W_LESSON_DIFFERS: request-transformer: \$\(uuid\)/);
    expect(r.stdout).toContain('variant with-correlation-id');
  });
});

describe('gatelab lint', () => {
  it('a request id whose client does not exist is an error at file:line:col, before anything runs', () => {
    const r = gatelab(['lint', 'test/cli/fixtures/bad-request-id.yaml']);
    expect(r.status).toBe(1);
    expect(r.stdout.trim()).toBe(
      "test/cli/fixtures/bad-request-id.yaml:33:24: error GL_E_EXPECT: request 'client-1' names no client: there is no client 'client' (request ids are <client id>-<n>; the clients are c)",
    );
  });

  it('the two snippet scenarios lint with only the warning their narration explains', () => {
    const r = gatelab(['lint', 'scenarios/auth/kong-jwt-snippet.yaml', 'scenarios/transforms/request-transformer-snippet.yaml']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('warning GL_W_LESSON_DIFFERS');
  });
});

describe('a config problem only a variant has names the variant', () => {
  const F = 'test/cli/fixtures/variant-config-typo.yaml';
  const expected = `${F}:37:29: error GL_E_UNKNOWN_FIELD: variant 'limited': rate-limiting: unknown field 'minutes' in rate-limiting config (did you mean 'minute'?)`;

  it('in lint', () => {
    const r = gatelab(['lint', F]);
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toContain(expected);
  });

  it('in run, which stops with exit status 2', () => {
    const r = gatelab(['run', F]);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')).toContain(expected);
  });
});
