/**
 * Kong `acl` (PRIORITY 950): lets consumers in or keeps them out by their ACL groups (the consumer's
 * `acls` entries), after an auth plugin identified them. No consumer at all is 401; a consumer whose
 * groups do not pass is 403 "You cannot consume this service". Admitted requests carry
 * X-Consumer-Groups upstream. Groups are also how tiers are named (partner-tiers scenario).
 */
import { next, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { consumerName, kongAuthFailure } from '../kit/kong-auth.ts';
import { parseAclConfig, type AclConfig } from './config.ts';

export const ACL_PRIORITY = 950;

export function createAclHooks(config: AclConfig): PluginHooks {
  const mode = config.allow.length > 0 ? 'allow' : 'deny';
  const list = mode === 'allow' ? config.allow : config.deny;
  return {
    access(ctx: RequestContext): Verdict {
      const consumer = ctx.consumer;
      if (!consumer) {
        // A credential without a consumer cannot happen with Kong's own auth plugins; keep Kong's answer anyway.
        if (ctx.credentialId !== undefined) return kongAuthFailure(ctx, 403, 'You cannot consume this service', undefined, 'a credential but no consumer — 403');
        return kongAuthFailure(ctx, 401, 'Unauthorized', undefined, 'no authenticated consumer: acl needs an auth plugin to run first (higher priority) — 401', { failure: 'no consumer' });
      }
      const groups = consumer.groups;
      const hit = groups.filter((g) => list.includes(g));
      const blocked = mode === 'allow' ? hit.length === 0 : hit.length > 0;
      const who = `consumer ${consumerName(consumer)} [${groups.join(', ') || 'no groups'}]`;
      if (blocked) {
        const why = mode === 'allow' ? `${who} is in none of allow [${list.join(', ')}]` : `${who} is in deny group ${hit.join(', ')}`;
        return kongAuthFailure(ctx, 403, 'You cannot consume this service', undefined, `${why} — 403`, { consumer: consumerName(consumer), groups: groups.join(',') });
      }
      if (!config.hide_groups_header && groups.length > 0) ctx.upstream.headers.set('X-Consumer-Groups', groups.join(', '));
      const why = mode === 'allow' ? `${who} is in allowed group ${hit.join(', ')}` : `${who} is in no deny group`;
      const header = config.hide_groups_header || groups.length === 0 ? '' : '; X-Consumer-Groups sent upstream';
      return next(`${why}${header}`, { consumer: consumerName(consumer), groups: groups.join(',') });
    },
  };
}

export const aclPlugin: PluginDefinition<AclConfig> = {
  id: 'acl',
  priority: ACL_PRIORITY,
  parse: parseAclConfig,
  create: createAclHooks,
};
