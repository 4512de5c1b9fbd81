/**
 * bcryptjs comes with the Traefik adapter (bcrypt-provider.ts), so the lab's first load does not carry
 * it. In a realm where that adapter was never loaded, a bcrypt hash is refused at load with a reason,
 * never silently treated as a wrong password; once provided, the same config loads and checks.
 */
import { compareSync } from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { collecting } from '../kit/test-kit.ts';
import { bcryptCompare, provideBcrypt } from './bcrypt-provider.ts';
import { basicAuthPlugin } from './plugin.ts';

const ALICE = 'alice:$2y$04$CIm50OwCNc4B69czYNn05Oi7s2zWGnryGnuHV5d96QBIooELi56Pe';

describe('basic-auth: bcrypt arrives with the Traefik adapter', () => {
  it('refuses a bcrypt hash at load until bcrypt is provided, then accepts it', () => {
    expect(bcryptCompare()).toBeUndefined();
    const before = collecting();
    basicAuthPlugin.parse({ flavour: 'traefik', users: [ALICE] }, before);
    expect(before.items.map((i) => `${i.severity} ${i.path} ${i.message}`)).toEqual([
      expect.stringContaining("error users.0 users[0]: alice's bcrypt hash cannot be checked here"),
    ]);
    provideBcrypt(compareSync);
    const after = collecting();
    basicAuthPlugin.parse({ flavour: 'traefik', users: [ALICE] }, after);
    expect(after.items).toEqual([]);
  });

});

describe('the Traefik adapter module provides bcrypt', () => {
  it('once it is loaded, bcrypt hashes check (the lab loads it only for a Traefik scenario)', async () => {
    provideBcrypt(() => false);
    await import('../../config/adapters/traefik.ts');
    expect(bcryptCompare()?.('s3cret', '$2b$04$CIm50OwCNc4B69czYNn05Oi7s2zWGnryGnuHV5d96QBIooELi56Pe')).toBe(true);
  });
});
