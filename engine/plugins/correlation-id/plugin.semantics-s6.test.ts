/**
 * Semantics §6, correlation-id: the rules plugin.test.ts does not already pin — the counter and UUID
 * are per worker (a gatelab replica), `uuid` is a fresh v4 per request, echo_downstream off sends
 * nothing back, and with it on a request answered before access still gets an id.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import { collecting, context, hooksOf, host, run } from '../kit/test-kit.ts';
import { correlationIdPlugin } from './plugin.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('semantics §6 correlation-id', () => {
  it('§6 uuid#counter is per worker: each replica has its own UUID and its own counter from 1', async () => {
    const hooks = hooksOf(correlationIdPlugin, {});
    const idOn = async (replica: string, id: string) => {
      const ctx = context({ id });
      await run(hooks, ctx, host(undefined, replica));
      return ctx.upstream.headers.get('Kong-Request-ID') ?? '';
    };
    const ids = [await idOn('gw-0', 'a'), await idOn('gw-1', 'b'), await idOn('gw-0', 'c'), await idOn('gw-1', 'd')];
    const [w0, w1] = [ids[0]?.split('#')[0], ids[1]?.split('#')[0]];
    expect(w0).toMatch(UUID);
    expect(w1).toMatch(UUID);
    expect(w0).not.toBe(w1);
    expect(ids).toEqual([`${w0}#1`, `${w1}#1`, `${w0}#2`, `${w1}#2`]);
  });

  it('§6 uuid: a different random v4 UUID for every request', async () => {
    const hooks = hooksOf(correlationIdPlugin, { generator: 'uuid' });
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const ctx = context({ id: `r-${i}` });
      await run(hooks, ctx);
      const id = ctx.upstream.headers.get('Kong-Request-ID') ?? '';
      expect(id).toMatch(UUID);
      seen.add(id);
    }
    expect(seen.size).toBe(20);
  });

  it('§6 generator is one of uuid, uuid#counter, tracker', () => {
    const r = collecting();
    correlationIdPlugin.parse({ generator: 'ulid' }, r);
    expect(r.items.map((i) => `${i.path} ${i.severity}`)).toEqual(['generator error']);
  });

  it('§6 echo_downstream false (default): the response carries no id, though the upstream request does', async () => {
    const ctx = context();
    const { response } = await run(hooksOf(correlationIdPlugin, {}), ctx);
    expect(ctx.upstream.headers.has('Kong-Request-ID')).toBe(true);
    expect(response?.headers.has('Kong-Request-ID')).toBe(false);
  });

  it('§6 echo_downstream true: the client\'s own non-empty id is the one echoed', async () => {
    const ctx = context({ headers: [['Kong-Request-ID', 'client-7']] });
    const { response } = await run(hooksOf(correlationIdPlugin, { echo_downstream: true }), ctx);
    expect(ctx.upstream.headers.get('Kong-Request-ID')).toBe('client-7');
    expect(response?.headers.get('Kong-Request-ID')).toBe('client-7');
  });

  it('§6 echo_downstream true and the request answered before access ran: an id is generated for the response', async () => {
    const hooks = hooksOf(correlationIdPlugin, { echo_downstream: true });
    const early = context();
    early.response = { status: 404, headers: new HeaderMap(), source: 'gateway' };
    await hooks.response?.(early, host());
    expect(early.response.headers.get('Kong-Request-ID')).toMatch(/^[0-9a-f-]{36}#1$/);
    // An id the client sent is echoed as it is, even then.
    const sent = context({ headers: [['Kong-Request-ID', 'client-9']] });
    sent.response = { status: 404, headers: new HeaderMap(), source: 'gateway' };
    await hooks.response?.(sent, host());
    expect(sent.response.headers.get('Kong-Request-ID')).toBe('client-9');
  });
});
