/**
 * Consumers and their credentials. Credentials keep their Kong fields (key, secret, algorithm, …) so
 * the auth plugins can check them; ACL entries become the consumer's groups.
 */
import type { ConsumerIR, CredentialIR } from '../ir.ts';
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import type { Collected, CredentialKind, CredentialNode } from './collect.ts';
import { entityId } from './ids.ts';
import { type Indexed, addToIndex, newIndex, resolveRef } from './refs.ts';
import { readInt, readString } from './read.ts';
import { kongEntityId } from './uuid.ts';

export interface ConsumerInfo {
  ir: ConsumerIR;
  node: EntityNode;
}

/** Algorithms the Kong jwt plugin accepts for a jwt_secrets entry (default HS256). */
const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** Kong's DAO bounds for an entity's ttl: "a bit over three years" keeps time() + ttl from overflowing. */
const KEYAUTH_TTL_RANGE = { min: 0, max: 100_000_000 };

const CREDENTIAL_PLUGIN: Record<Exclude<CredentialKind, 'acls'>, string> = {
  keyauth_credentials: 'key-auth',
  jwt_secrets: 'jwt',
  basicauth_credentials: 'basic-auth',
};

export function buildConsumers(ctx: AdaptContext, collected: Collected): Indexed<ConsumerInfo> {
  const index = newIndex<ConsumerInfo>();
  const customIds = new Map<string, EntityNode>();
  for (const node of collected.consumers) {
    const username = readString(ctx, node, 'username');
    const customId = readString(ctx, node, 'custom_id');
    if (username === undefined && customId === undefined) {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs at least one of 'custom_id', 'username'`);
      continue;
    }
    const id = entityId(ctx, node, 'consumers', username);
    const ir: ConsumerIR = {
      id,
      ...(username !== undefined ? { username } : {}),
      ...(customId !== undefined ? { customId } : {}),
      groups: [],
      credentials: [],
      loc: ctx.loc(node.doc, node.path),
    };
    if (customId !== undefined) {
      if (customIds.has(customId)) {
        ctx.error(node.doc, fieldPath(node, 'custom_id'), 'GL_E_CONFIG_REFERENCE', `uniqueness violation: 'consumers' entity with custom_id set to '${customId}' already declared`);
        continue;
      }
      customIds.set(customId, node);
    }
    addToIndex(ctx, index, { ir, node }, node, 'consumers', { field: 'username', value: username }, id, (c) => c.node);
  }
  addCredentials(ctx, collected.credentials, index);
  return index;
}

function addCredentials(ctx: AdaptContext, nodes: readonly CredentialNode[], consumers: Indexed<ConsumerInfo>): void {
  const byNode = new Map([...consumers.byId.values()].map((c) => [c.node, c]));
  const uniqueKeys = new Map<string, EntityNode>();
  for (const node of nodes) {
    if (node.parent?.kind === 'consumer' && node.value['consumer'] !== undefined && node.value['consumer'] !== null) {
      ctx.error(node.doc, fieldPath(node, 'consumer'), 'GL_E_CONFIG_INVALID', `${node.label} is nested in a consumer and may not name another one`, 'remove consumer: here', true);
      continue;
    }
    const consumer =
      node.parent?.kind === 'consumer'
        ? byNode.get(node.parent.node)
        : node.value['consumer'] === undefined
          ? missingConsumer(ctx, node)
          : resolveRef(ctx, node, 'consumer', consumers, 'consumers');
    if (!consumer) continue;
    if (node.kind === 'acls') {
      const group = readString(ctx, node, 'group');
      if (group === undefined) ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs a group`);
      else if (!consumer.ir.groups.includes(group)) consumer.ir.groups.push(group);
      continue;
    }
    const cred = readCredential(ctx, node, consumer);
    if (!cred) continue;
    // Kong's endpoint keys for credentials are globally unique: one key, one consumer.
    const uniq = `${node.kind}:${cred.uniqueValue}`;
    if (uniqueKeys.has(uniq)) {
      ctx.error(node.doc, fieldPath(node, cred.uniqueField), 'GL_E_CONFIG_REFERENCE', `uniqueness violation: '${node.kind}' entity with ${cred.uniqueField} already declared`, 'each credential needs its own key');
      continue;
    }
    uniqueKeys.set(uniq, node);
    consumer.ir.credentials.push(cred.ir);
  }
}

function missingConsumer(ctx: AdaptContext, node: EntityNode): undefined {
  ctx.error(node.doc, node.path, 'GL_E_CONFIG_REFERENCE', `${node.label} names no consumer`, 'nest it under a consumer, or add consumer: <username>');
  return undefined;
}

interface ReadCredential {
  ir: CredentialIR;
  uniqueField: string;
  uniqueValue: string;
}

function readCredential(ctx: AdaptContext, node: CredentialNode, consumer: ConsumerInfo): ReadCredential | undefined {
  const kind = node.kind as Exclude<CredentialKind, 'acls'>;
  const plugin = CREDENTIAL_PLUGIN[kind];
  const fields: Record<string, unknown> = {};
  if (kind === 'basicauth_credentials') {
    const username = readString(ctx, node, 'username');
    const password = readString(ctx, node, 'password');
    if (username === undefined || password === undefined) {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} needs a username and a password`);
      return undefined;
    }
    fields['username'] = username;
    fields['password'] = password;
    return { ir: { kind: plugin, id: entityId(ctx, node, kind, username), fields }, uniqueField: 'username', uniqueValue: username };
  }
  const key = readString(ctx, node, 'key') ?? generated(ctx, node, consumer, 'key');
  fields['key'] = key;
  if (kind === 'keyauth_credentials') {
    // Kong's DAO takes a ttl that is a whole number of seconds in [0, 100000000] (kong/db/dao/init.lua);
    // 0, like null, is a key that never expires. The plugin times it from the config's load.
    const ttl = readInt(ctx, node, 'ttl', 0, KEYAUTH_TTL_RANGE);
    if (ttl > 0) fields['ttl'] = ttl;
  } else {
    const algorithm = readString(ctx, node, 'algorithm') ?? 'HS256';
    if (!JWT_ALGORITHMS.includes(algorithm)) {
      ctx.error(node.doc, fieldPath(node, 'algorithm'), 'GL_E_CONFIG_INVALID', `algorithm of ${node.label} must be one of ${JWT_ALGORITHMS.join(', ')}`);
    }
    fields['algorithm'] = algorithm;
    const rsa = readString(ctx, node, 'rsa_public_key');
    if (rsa !== undefined) fields['rsa_public_key'] = rsa;
    else if (/^(RS|ES|PS|Ed)/.test(algorithm)) {
      ctx.error(node.doc, node.path, 'GL_E_CONFIG_INVALID', `${node.label} uses ${algorithm} and needs an rsa_public_key`);
    }
    if (!/^(RS|ES|PS|Ed)/.test(algorithm)) fields['secret'] = readString(ctx, node, 'secret') ?? generated(ctx, node, consumer, 'secret');
  }
  return { ir: { kind: plugin, id: entityId(ctx, node, kind, key), fields }, uniqueField: 'key', uniqueValue: key };
}

/**
 * Kong fills a missing key or secret with a random 32-hex-digit string. A simulation needs the same
 * value on every run, so gatelab derives one, and says that no client could know it.
 */
function generated(ctx: AdaptContext, node: CredentialNode, consumer: ConsumerInfo, field: string): string {
  ctx.warn(
    node.doc,
    node.path,
    'GL_W_NO_EFFECT',
    `${node.label} of consumer ${consumer.ir.username ?? consumer.ir.id} has no ${field}; Kong would generate a random one, so no client can present it`,
    `write the ${field} in the file`,
  );
  return kongEntityId(node.kind, `gatelab-generated:${consumer.ir.id}:${field}:${node.path.join('/')}`).replace(/-/g, '');
}
