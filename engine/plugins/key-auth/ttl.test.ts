/**
 * Semantics §6, key-auth credential `ttl`. Sources:
 * - Kong key-auth docs, "Create a key": `ttl` is the number of seconds the key stays valid; without
 *   it the key never expires (Kong/docs.konghq.com#2873).
 * - kong/plugins/key-auth/daos.lua: keyauth_credentials has `ttl = true`; kong/plugins/key-auth/
 *   handler.lua load_credential: an expired credential is not found, so the request gets the
 *   unknown key's answer (Kong/kong#4984: "impossible to differentiate between an invalid and an
 *   expired token").
 * - DB-less (Kong 3.5+, Kong/kong#11464): declarative_config.lua `flatten` makes the expiry
 *   created_at + ttl, created_at being the load instant; strategies/off/init.lua
 *   `process_ttl_field` keeps the entity only while `expiry - ngx.time() > 0`, ngx.time() in whole
 *   seconds: the key is gone AT the expiry second.
 */
import { describe, expect, it } from 'vitest';
import type { ConsumerIR } from '../../config/ir.ts';
import type { PluginHooks } from '../../pipeline/types.ts';
import { consumer, context, host, jsonBody, replyOf, run } from '../kit/test-kit.ts';
import { keyAuthPlugin } from './plugin.ts';

const partner = consumer('partner-a', [{ kind: 'key-auth', id: 'cred-a', fields: { key: 'a-secret-key', ttl: 60 } }]);
const forever = consumer('forever', [{ kind: 'key-auth', id: 'cred-f', fields: { key: 'f-secret-key' } }]);
const anon = consumer('anonymous');
/** 2026-01-01T12:00:00.400Z: a load instant inside a second, to show the second is truncated. */
const LOADED = 1_767_268_800_400;
/** LOADED's second + 60 s. */
const EXPIRY = 1_767_268_860_000;

const hooksAt = (config: Record<string, unknown>, consumers: ConsumerIR[], loadedAt: number | null = LOADED): PluginHooks =>
  keyAuthPlugin.create(keyAuthPlugin.parse(config, { error: () => undefined, warn: () => undefined }), {
    instanceId: 'key-auth-1',
    scope: {},
    consumers,
    ...(loadedAt !== null ? { loadedAt } : {}),
  });
const ask = (hooks: PluginHooks, nowMs: number, key = 'a-secret-key') => run(hooks, context({ headers: [['apikey', key]] }), host(nowMs));

describe('semantics §6 key-auth: a credential with ttl', () => {
  it('§6 valid before the expiry second: 1 ms before it the consumer is attached', async () => {
    const { verdict } = await ask(hooksAt({}, [partner, forever]), EXPIRY - 1);
    expect(verdict.kind).toBe('next');
    expect(verdict.data).toMatchObject({ consumer: 'partner-a', credential: 'cred-a' });
  });

  it('§6 expired AT the expiry second (load second truncated + ttl): the unknown key\'s 401 "Unauthorized", nothing else differs', async () => {
    const hooks = hooksAt({ realm: 'partners' }, [partner, forever]);
    const expired = replyOf((await ask(hooks, EXPIRY)).verdict);
    const unknown = replyOf((await ask(hooks, EXPIRY, 'no-such-key')).verdict);
    expect(expired.status).toBe(401);
    expect(jsonBody(expired)).toEqual({ message: 'Unauthorized', request_id: 'req-1' });
    expect({ status: expired.status, headers: expired.headers, body: expired.body }).toEqual({ status: unknown.status, headers: unknown.headers, body: unknown.body });
    expect(expired.reason).toBe("key a-se… from header apikey was consumer partner-a's credential, which expired at 2026-01-01T12:01:00.000Z after ttl 60 s — 401 \"Unauthorized\"");
  });

  it('§6 still expired after: an hour later, and a credential without ttl never expires', async () => {
    const hooks = hooksAt({}, [partner, forever]);
    expect(replyOf((await ask(hooks, EXPIRY + 3_600_000)).verdict).status).toBe(401);
    expect((await ask(hooks, EXPIRY + 3_600_000, 'f-secret-key')).verdict.kind).toBe('next');
  });

  it('§6 an expired key with anonymous set continues as the anonymous consumer, as an unknown key does', async () => {
    const ctx = context({ headers: [['apikey', 'a-secret-key']] });
    const { verdict } = await run(hooksAt({ anonymous: 'anonymous' }, [partner, anon]), ctx, host(EXPIRY));
    expect(verdict.kind).toBe('next');
    expect(ctx.consumer?.username).toBe('anonymous');
  });

  it('§6 the clock is the host\'s: a later load (a reload re-stamps created_at) restarts the ttl', async () => {
    const reloaded = hooksAt({}, [partner], EXPIRY + 5_000);
    expect((await ask(reloaded, EXPIRY + 5_000 + 59_999)).verdict.kind).toBe('next');
    expect(replyOf((await ask(reloaded, EXPIRY + 65_000)).verdict).status).toBe(401);
  });

  it('a host that gives no load instant expires nothing (there is no instant to count from)', async () => {
    expect((await ask(hooksAt({}, [partner], null), EXPIRY + 3_600_000)).verdict.kind).toBe('next');
  });
});
