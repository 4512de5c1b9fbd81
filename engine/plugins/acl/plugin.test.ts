import { describe, expect, it } from 'vitest';
import { collecting, consumer, context, hooksOf, jsonBody, replyOf, run } from '../kit/test-kit.ts';
import { aclPlugin } from './plugin.ts';

const free = consumer('partner-free', [], ['free']);
const paid = consumer('partner-paid', [], ['paid', 'beta']);

describe('acl (Kong)', () => {
  it('priority 950; allow and deny are exclusive and one is required', () => {
    expect(aclPlugin.priority).toBe(950);
    const r = collecting();
    aclPlugin.parse({}, r);
    aclPlugin.parse({ allow: ['a'], deny: ['b'] }, r);
    expect(r.items.map((i) => i.message)).toEqual([
      "at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
      "only one of these fields can be non-empty: 'config.allow', 'config.deny'",
    ]);
  });

  it('no consumer: 401 Unauthorized (acl runs after auth, priority 950 < 1250)', async () => {
    const { verdict } = await run(hooksOf(aclPlugin, { allow: ['paid'] }), context());
    expect(replyOf(verdict).status).toBe(401);
    expect(jsonBody(verdict)).toMatchObject({ message: 'Unauthorized' });
  });

  it('allow: a consumer outside the groups gets 403 "You cannot consume this service"', async () => {
    const ctx = context();
    ctx.consumer = free;
    const { verdict } = await run(hooksOf(aclPlugin, { allow: ['paid'] }), ctx);
    expect(replyOf(verdict).status).toBe(403);
    expect(jsonBody(verdict)).toMatchObject({ message: 'You cannot consume this service' });
    expect(verdict.reason).toContain('is in none of allow [paid]');
  });

  it('§6 the 403 answers through kong.response.error: plain text when asked', async () => {
    const ctx = context({ headers: [['Accept', 'text/plain']] });
    ctx.consumer = free;
    const { verdict } = await run(hooksOf(aclPlugin, { allow: ['paid'] }), ctx);
    expect(replyOf(verdict).status).toBe(403);
    expect(replyOf(verdict).body).toBe('You cannot consume this service\nrequest_id: req-1\n');
    expect(replyOf(verdict).headers).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
  });

  it('allow: a member passes with X-Consumer-Groups; hide_groups_header drops it', async () => {
    const ctx = context();
    ctx.consumer = paid;
    await run(hooksOf(aclPlugin, { allow: ['paid'] }), ctx);
    expect(ctx.upstream.headers.get('X-Consumer-Groups')).toBe('paid, beta');
    const hidden = context();
    hidden.consumer = paid;
    await run(hooksOf(aclPlugin, { allow: ['paid'], hide_groups_header: true }), hidden);
    expect(hidden.upstream.headers.has('X-Consumer-Groups')).toBe(false);
  });

  it('deny: members are kept out, others pass', async () => {
    const a = context();
    a.consumer = paid;
    expect(replyOf((await run(hooksOf(aclPlugin, { deny: ['beta'] }), a)).verdict).status).toBe(403);
    const b = context();
    b.consumer = free;
    expect((await run(hooksOf(aclPlugin, { deny: ['beta'] }), b)).verdict.kind).toBe('next');
  });
});
