/** Kong `acl` config (Kong 3.10 schema): exactly one of allow and deny. */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export interface AclConfig {
  /** Groups let in; any other consumer gets 403. Mutually exclusive with deny. */
  allow: string[];
  /** Groups kept out; everyone else passes. Mutually exclusive with allow. */
  deny: string[];
  /** Do not send X-Consumer-Groups upstream (default false). */
  hide_groups_header: boolean;
}

const FIELDS = ['allow', 'deny', 'hide_groups_header', 'include_consumer_groups', 'always_use_authenticated_groups'];

export function parseAclConfig(raw: unknown, report: ConfigReporter): AclConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'acl');
  const out: AclConfig = { allow: r.strList('allow', []), deny: r.strList('deny', []), hide_groups_header: r.bool('hide_groups_header', false) };
  if (out.allow.length === 0 && out.deny.length === 0) r.error([], "at least one of these fields must be non-empty: 'config.allow', 'config.deny'");
  if (out.allow.length > 0 && out.deny.length > 0) r.error([], "only one of these fields can be non-empty: 'config.allow', 'config.deny'");
  if (r.bool('include_consumer_groups', false)) {
    r.warn('include_consumer_groups', 'GL_W_NO_EFFECT', 'consumer groups are a Kong Enterprise entity; gatelab matches the ACL groups of each consumer (its acls entries)');
  }
  if (r.has('always_use_authenticated_groups')) {
    r.warn('always_use_authenticated_groups', 'GL_W_NO_EFFECT', 'authenticated groups come from LDAP/OIDC plugins gatelab does not model; only consumer ACL groups count');
  }
  return out;
}
