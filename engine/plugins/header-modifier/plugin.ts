/**
 * The header-modifier plugin: Gateway API's RequestHeaderModifier and ResponseHeaderModifier filters.
 * A request modifier edits the headers going upstream in the access phase (so a later filter or the
 * backend sees the result); a response modifier edits what the client receives, whoever produced the
 * response. `add` joins the new value to existing ones with `,` — the form the conformance suite
 * expects (`some-value,add-appends-values`).
 */
import type { HeaderMap } from '../../pipeline/headers.ts';
import { next, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { parseHeaderModifierConfig, type HeaderModifierConfig } from './config.ts';

export const HEADER_MODIFIER_ID = 'header-modifier';

/** Applies set, add and remove in that order; returns what changed, for the decision's reason. */
export function modifyHeaders(headers: HeaderMap, config: HeaderModifierConfig): string[] {
  const done: string[] = [];
  for (const { name, value } of config.set) {
    headers.set(name, value);
    done.push(`set ${name}: ${value}`);
  }
  for (const { name, value } of config.add) {
    const existing = headers.getAll(name);
    if (existing.length === 0) headers.append(name, value);
    else headers.set(name, [...existing, value].join(','));
    done.push(`added ${name}: ${value}${existing.length ? ` (now ${[...existing, value].join(',')})` : ''}`);
  }
  for (const name of config.remove) {
    done.push(headers.delete(name) ? `removed ${name}` : `${name} absent, nothing to remove`);
  }
  return done;
}

function apply(headers: HeaderMap | undefined, config: HeaderModifierConfig): Verdict {
  const where = config.target === 'request' ? 'request headers sent upstream' : 'response headers sent to the client';
  if (!headers) return next(`no ${where} to modify`);
  const done = modifyHeaders(headers, config);
  return next(done.length ? `${where}: ${done.join('; ')}` : `${where}: nothing configured`);
}

export const headerModifierPlugin: PluginDefinition<HeaderModifierConfig> = {
  id: HEADER_MODIFIER_ID,
  // Kong's request-transformer priority; only used where plugins run by priority (never for Gateway API).
  priority: 801,
  parse: parseHeaderModifierConfig,
  create(config): PluginHooks {
    if (config.target === 'request') {
      return { access: (ctx: RequestContext) => apply(ctx.upstream.headers, config) };
    }
    return { response: (ctx: RequestContext) => apply(ctx.response?.headers, config) };
  },
};
