/**
 * The Kong adapter and keyauth_credentials `ttl` (semantics §6). Kong's DAO accepts a ttl that is an
 * integer in [0, 100000000] and rejects anything else with "must be an integer between 0 and
 * 100000000" (kong/db/dao/init.lua validate_options_value); a ttl of 0 or null is a key without
 * expiry (declarative_config.lua flatten skips `expired_at == 0` and null, Kong/kong#11464).
 */
import { describe, expect, it } from 'vitest';
import { loadGateway } from '../load-gateway.ts';
import { parseYaml } from '../yaml-source.ts';

const load = (ttl: string) => {
  const yaml = `_format_version: "3.0"\nconsumers:\n  - username: partner\n    keyauth_credentials: [{ key: k1${ttl} }]\n`;
  const loaded = loadGateway({ sources: [{ file: 'k.yaml', docs: parseYaml(yaml, 'k.yaml').docs }], overlays: [] });
  const fields = loaded.ir?.consumers[0]?.credentials[0]?.fields;
  return { fields, diagnostics: loaded.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`) };
};

describe('Kong adapter: keyauth_credentials ttl (§6)', () => {
  it('§6 a ttl in seconds reaches the credential, with no warning', () => {
    const { fields, diagnostics } = load(', ttl: 60');
    expect(fields).toEqual({ key: 'k1', ttl: 60 });
    expect(diagnostics).toEqual([]);
  });

  it('§6 ttl 0 and null mean no expiry: the credential carries no ttl', () => {
    expect(load(', ttl: 0').fields).toEqual({ key: 'k1' });
    expect(load(', ttl: null').fields).toEqual({ key: 'k1' });
    expect(load('').fields).toEqual({ key: 'k1' });
  });

  it('§6 the bounds are Kong\'s DAO: 100000000 is accepted, 100000001, -1 and 1.5 are errors', () => {
    expect(load(', ttl: 100000000').fields).toEqual({ key: 'k1', ttl: 100_000_000 });
    expect(load(', ttl: 100000001').diagnostics).toContainEqual(expect.stringMatching(/^error GL_E_CONFIG_INVALID ttl of .* must be between 0 and 100000000, not 100000001$/));
    expect(load(', ttl: -1').diagnostics).toContainEqual(expect.stringMatching(/^error GL_E_CONFIG_INVALID ttl of .* must be between 0 and 100000000, not -1$/));
    expect(load(', ttl: 1.5').diagnostics).toContainEqual(expect.stringMatching(/^error GL_E_TYPE ttl of .* must be an integer, not/));
  });
});
