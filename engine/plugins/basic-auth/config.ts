/** Kong `basic-auth` config (Kong 3.10 schema), with Kong's defaults. */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export interface BasicAuthConfig {
  /** Remove Authorization and Proxy-Authorization before proxying (default false). */
  hide_credentials: boolean;
  /** Consumer id or username to continue as when authentication fails; unset = answer the failure. */
  anonymous?: string;
  /** Realm of the `WWW-Authenticate: Basic realm="…"` challenge (default "service"). */
  realm: string;
}

const FIELDS = ['hide_credentials', 'anonymous', 'realm', 'brute_force_protection'];

export function parseBasicAuthConfig(raw: unknown, report: ConfigReporter): BasicAuthConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'basic-auth');
  const out: BasicAuthConfig = { hide_credentials: r.bool('hide_credentials', false), realm: r.str('realm', 'service') };
  const anonymous = r.str('anonymous');
  if (anonymous !== undefined) out.anonymous = anonymous;
  if (r.has('brute_force_protection')) r.warn('brute_force_protection', 'GL_W_NO_EFFECT', 'brute_force_protection is a Kong Enterprise feature; gatelab does not model it');
  return out;
}
