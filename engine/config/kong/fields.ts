/**
 * The fields Kong 3.x declares for each entity in a declarative file. Kong rejects any other field
 * ("unknown field"), so gatelab does too, naming the nearest known field. Fields Kong accepts that the
 * simulation does not model get a warning instead of silently doing nothing.
 */
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import { suggestion } from './nearest.ts';

export type EntityKind =
  | 'root'
  | 'service'
  | 'route'
  | 'consumer'
  | 'plugin'
  | 'upstream'
  | 'target'
  | 'keyauth_credential'
  | 'jwt_secret'
  | 'basicauth_credential'
  | 'acl';

/** Every entity record in a declarative file may carry these (declarative_config.lua adds _comment and _ignore). */
const COMMON = ['id', 'created_at', 'updated_at', 'tags', '_comment', '_ignore'];

const FIELDS: Record<Exclude<EntityKind, 'root'>, readonly string[]> = {
  service: [
    'name', 'retries', 'protocol', 'host', 'port', 'path', 'connect_timeout', 'write_timeout', 'read_timeout',
    'client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates', 'enabled', 'url', 'routes', 'plugins',
  ],
  route: [
    'name', 'protocols', 'methods', 'hosts', 'paths', 'headers', 'https_redirect_status_code', 'regex_priority',
    'strip_path', 'path_handling', 'preserve_host', 'request_buffering', 'response_buffering', 'snis', 'sources',
    'destinations', 'service', 'plugins',
  ],
  consumer: [
    'username', 'custom_id', 'plugins', 'keyauth_credentials', 'jwt_secrets', 'basicauth_credentials', 'acls',
    'hmacauth_credentials', 'oauth2_credentials',
  ],
  plugin: ['name', 'instance_name', 'route', 'service', 'consumer', 'config', 'protocols', 'enabled', 'ordering'],
  upstream: [
    'name', 'algorithm', 'hash_on', 'hash_fallback', 'hash_on_header', 'hash_fallback_header', 'hash_on_cookie',
    'hash_on_cookie_path', 'hash_on_query_arg', 'hash_fallback_query_arg', 'hash_on_uri_capture',
    'hash_fallback_uri_capture', 'slots', 'healthchecks', 'host_header', 'client_certificate', 'use_srv_name', 'targets',
  ],
  target: ['upstream', 'target', 'weight'],
  keyauth_credential: ['consumer', 'key', 'ttl'],
  jwt_secret: ['consumer', 'key', 'secret', 'rsa_public_key', 'algorithm'],
  basicauth_credential: ['consumer', 'username', 'password'],
  acl: ['consumer', 'group'],
};

/** Entity lists gatelab reads at the top of a file. */
export const MODELLED_TOP_LEVEL = [
  'services', 'routes', 'consumers', 'plugins', 'upstreams', 'targets',
  'keyauth_credentials', 'jwt_secrets', 'basicauth_credentials', 'acls',
] as const;

/** Entity lists Kong accepts that gatelab does not model: loading goes on, with a warning. */
export const UNMODELLED_TOP_LEVEL = [
  'certificates', 'ca_certificates', 'snis', 'vaults', 'hmacauth_credentials', 'oauth2_credentials', 'key_sets',
  'keys', 'filter_chains',
] as const;

/** `_gatelab` is gatelab's own block for kong.conf settings (see docs/dialects/kong.md). */
const ROOT_FIELDS = ['_format_version', '_transform', '_comment', '_ignore', '_gatelab', ...MODELLED_TOP_LEVEL, ...UNMODELLED_TOP_LEVEL];

/** Accepted, but changes nothing in the simulation; a present value earns a warning saying so. */
const UNMODELLED_FIELDS: Partial<Record<EntityKind, Record<string, string>>> = {
  service: {
    client_certificate: 'gatelab does not model TLS to upstreams',
    tls_verify: 'gatelab does not model TLS to upstreams',
    tls_verify_depth: 'gatelab does not model TLS to upstreams',
    ca_certificates: 'gatelab does not model TLS to upstreams',
  },
  route: {
    snis: 'gatelab does not model TLS SNI; the route is matched as if it had no snis (Kong would also count them in its priority)',
  },
  plugin: {
    ordering: 'dynamic plugin ordering is a Kong Enterprise feature; gatelab orders plugins by priority',
  },
  upstream: {
    host_header: 'the IR has no upstream host_header; the Host header follows the service and preserve_host',
    client_certificate: 'gatelab does not model TLS to upstreams',
  },
};

export function knownFields(kind: EntityKind): readonly string[] {
  return kind === 'root' ? ROOT_FIELDS : [...COMMON, ...FIELDS[kind]];
}

/** Reports unknown fields (errors, at the key) and present-but-unmodelled ones (warnings). */
export function checkFields(ctx: AdaptContext, node: EntityNode, kind: EntityKind, extraAllowed: readonly string[] = []): void {
  const known = [...knownFields(kind), ...extraAllowed];
  for (const key of Object.keys(node.value)) {
    if (!known.includes(key)) {
      ctx.error(
        node.doc,
        fieldPath(node, key),
        'GL_E_UNKNOWN_FIELD',
        `unknown field "${key}" in ${node.label}; Kong rejects fields its schema does not define`,
        suggestion(key, known, 'fields'),
        true,
      );
      continue;
    }
    const why = UNMODELLED_FIELDS[kind]?.[key];
    if (why && node.value[key] !== null && node.value[key] !== undefined) {
      ctx.warn(node.doc, fieldPath(node, key), 'GL_W_NO_EFFECT', `${key} of ${node.label} has no effect here: ${why}`, undefined, true);
    }
  }
}
