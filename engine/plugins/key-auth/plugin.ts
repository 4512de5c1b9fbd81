/**
 * Kong `key-auth` (PRIORITY 1250, access phase; semantics §6). Finds the key, looks it up among the
 * consumers' key-auth credentials (constant-time comparisons), attaches the consumer, and optionally
 * hides the key from the backend. Failures are Kong's 401s with `WWW-Authenticate: Key`.
 */
import { next, wait, type DecisionData, type PluginDefinition, type PluginEnv, type PluginHooks, type PluginHost, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { authenticate, consumerName, fallBackToAnonymous, kongAuthFailure } from '../kit/kong-auth.ts';
import { CredentialTable, type CredentialEntry } from '../kit/credential-table.ts';
import { parseKeyAuthConfig, type KeyAuthConfig } from './config.ts';
import { hideKey, keySources, locateKey, maskKey, type KeySource } from './locate.ts';
import { replaceReadStream } from '../../pipeline/read-body.ts';
import { expiryOf, isExpired, type Expiry } from './expiry.ts';
import { formatIsoInstant } from '../../core/calendar.ts';

export const KEY_AUTH_PRIORITY = 1250;

/** hide_credentials off removes nothing; one shared empty list instead of one per request. */
const NOTHING_REMOVED: readonly string[] = Object.freeze([]);

export function createKeyAuthHooks(config: KeyAuthConfig, env: PluginEnv): PluginHooks {
  const consumers = env.consumers ?? [];
  const credentials = new CredentialTable(consumers, 'key-auth', 'key');
  const sources = keySources(config);
  const challenge = config.realm !== undefined ? `Key realm="${config.realm}"` : 'Key';
  // The "no key" failure's words depend only on the config.
  const where = listWithOr([config.key_in_header && 'headers', config.key_in_query && 'query string', config.key_in_body && 'body'].filter((w): w is string => typeof w === 'string'));
  const noKeyWhy = `no ${config.key_names.join(' or ')} in the ${where}`;
  const accepted = new AcceptedReasons();
  // Each credential's expiry, worked out once: the load instant is fixed for this instance.
  // null = never expires, so the common case is one Map lookup per request.
  const expiries = new Map<CredentialEntry, Expiry | null>();
  const expiryFor = (hit: CredentialEntry): Expiry | null => {
    let expiry = expiries.get(hit);
    if (expiry === undefined) expiries.set(hit, (expiry = expiryOf(hit, env.loadedAt) ?? null));
    return expiry;
  };
  const fail = (ctx: RequestContext, message: string, why: string): Verdict => {
    if (config.anonymous !== undefined) return fallBackToAnonymous(ctx, consumers, config.anonymous, 'key-auth', why);
    return kongAuthFailure(ctx, 401, message, challenge, `${why} — 401 "${message}"`, { failure: why });
  };
  const access = (ctx: RequestContext, host: PluginHost): Verdict => {
      if (!config.run_on_preflight && ctx.request.method === 'OPTIONS') {
        return next('OPTIONS request and run_on_preflight is false: key-auth does not run');
      }
      if (config.anonymous !== undefined && ctx.credentialId !== undefined) {
        return next('already authenticated by an earlier auth plugin; with anonymous set, key-auth is one side of a logical OR and does not run');
      }
      // On real sockets the body is a stream until read: read it only when the search gets there.
      const unread = config.key_in_body && ctx.upstream.body === undefined && ctx.upstream.stream !== undefined;
      const located = locateKey(config, ctx, sources, unread);
      if (located.kind === 'unread-body') return readBodyThen(ctx, host, access);
      if (located.kind === 'duplicate') {
        return fail(ctx, 'Duplicate API key found', `${located.name} appears more than once in the ${located.source}`);
      }
      // Kong hides the key as soon as it finds it, before it even checks it.
      const removed = located.kind === 'found' && config.hide_credentials ? hideKey(config, ctx, located.name) : NOTHING_REMOVED;
      if (located.kind === 'none' || located.key === '') return fail(ctx, 'No API key found in request', noKeyWhy);
      const hit = credentials.find(located.key);
      if (!hit) {
        return fail(ctx, 'Unauthorized', `key ${maskKey(located.key)} from ${located.source} ${located.name} matches no consumer's key-auth credential`);
      }
      // An expired credential is one Kong's lookup no longer returns: the answer is the unknown key's.
      const expiry = expiryFor(hit);
      if (expiry !== null && isExpired(expiry, host.now())) {
        return fail(ctx, 'Unauthorized', `key ${maskKey(located.key)} from ${located.source} ${located.name} was consumer ${consumerName(hit.consumer)}'s credential, which expired at ${formatIsoInstant(expiry.atMs)} after ttl ${expiry.ttlS} s`);
      }
      authenticate(ctx, hit.consumer, hit.identity);
      // With the key kept and exactly the stored one, the sentence and the facts are the same for
      // every request of this credential, source and name: remembered, they are one string and one
      // frozen object shared by every decision instead of a rope of seven pieces and an object per
      // request (and the /trace ring matches the very object at once, event-shapes.ts).
      if (!config.hide_credentials && located.key === hit.stored) {
        const same = accepted.outcome(hit, located.source, located.name);
        return next(same.reason, same.data);
      }
      const name = consumerName(hit.consumer);
      const reason = acceptedReason(located.key, located.source, located.name, name, config.hide_credentials, removed);
      return next(reason, {
        consumer: name,
        credential: hit.credential.id,
        source: located.source,
        name: located.name,
        hidden: config.hide_credentials,
        removed: removed.join(', '),
      });
  };
  return { access };
}

/**
 * Kong's get_body on the proxy host: the client's stream read in full (a read-body effect), its text
 * kept as the body the key is looked for in, its bytes sent upstream in the stream's place; then the
 * search runs again. A body that cannot be read holds no key, as get_body's error leaves Kong without one.
 */
function readBodyThen(ctx: RequestContext, host: PluginHost, again: (ctx: RequestContext, host: PluginHost) => Verdict): Verdict {
  const read = { type: 'read-body' as const, purpose: 'key-auth body', maxBytes: -1, source: ctx.upstream.stream };
  return wait(read, 'reading the request body to look for the key in it (key_in_body)', (result) => {
    ctx.upstream.body = result.ok ? (result.body ?? '') : '';
    replaceReadStream(ctx, result);
    return again(ctx, host);
  });
}

/** The decision's words when the key was accepted. */
function acceptedReason(key: string, source: KeySource, keyName: string, consumer: string, hidden: boolean, removed: readonly string[]): string {
  const tail = hidden
    ? `; hide_credentials removed ${removed.join(', ')} before proxying`
    : `; hide_credentials is off, so the backend receives the key in ${source} ${keyName}`;
  return `key ${maskKey(key)} from ${source} ${keyName} is consumer ${consumer}'s credential${tail}`;
}

/** An accepted key's decision with hide_credentials off: its sentence and its (frozen) facts. */
interface AcceptedOutcome {
  readonly reason: string;
  readonly data: DecisionData;
}

/** acceptedReason and the decision's data with hide_credentials off, per (credential, source, key name): bounded by the config. */
class AcceptedReasons {
  private readonly byEntry = new Map<CredentialEntry, Map<string, Partial<Record<KeySource, AcceptedOutcome>>>>();

  outcome(entry: CredentialEntry, source: KeySource, keyName: string): AcceptedOutcome {
    let byName = this.byEntry.get(entry);
    if (!byName) this.byEntry.set(entry, (byName = new Map()));
    let bySource = byName.get(keyName);
    if (!bySource) byName.set(keyName, (bySource = {}));
    let known = bySource[source];
    if (known === undefined) {
      const name = consumerName(entry.consumer);
      known = {
        reason: acceptedReason(entry.stored, source, keyName, name, false, NOTHING_REMOVED),
        // The same fields, in the same order, as the per-request object below.
        data: Object.freeze({ consumer: name, credential: entry.credential.id, source, name: keyName, hidden: false, removed: NOTHING_REMOVED.join(', ') }),
      };
      bySource[source] = known;
    }
    return known;
  }
}

export const keyAuthPlugin: PluginDefinition<KeyAuthConfig> = {
  id: 'key-auth',
  priority: KEY_AUTH_PRIORITY,
  parse: parseKeyAuthConfig,
  create: createKeyAuthHooks,
  cost: () => ({ cpuUs: 4.9, source: 'gatelab key-auth access hook: 5.8 µs CPU minus 0.9 µs building the request context, measured with `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz)' }),
};

/** "headers", "headers or query string", "headers, query string or body". */
function listWithOr(places: string[]): string {
  if (places.length < 2) return places.join('');
  return `${places.slice(0, -1).join(', ')} or ${places[places.length - 1]}`;
}
