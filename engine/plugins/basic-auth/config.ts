/**
 * basic-auth config in two flavours: Kong's `basic-auth` (Kong 3.10 schema, Kong's defaults) and
 * Traefik's `basicAuth` (traefik-config.ts). The Traefik adapter marks its config `flavour: traefik`;
 * no flavour means Kong's config as written.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { parseTraefikBasicAuth, type TraefikBasicAuthConfig } from './traefik-config.ts';

export type BasicAuthConfig = KongBasicAuthConfig | TraefikBasicAuthConfig;

export interface KongBasicAuthConfig {
  flavour?: undefined;
  /** Remove Authorization and Proxy-Authorization before proxying (default false). */
  hide_credentials: boolean;
  /** Consumer id or username to continue as when authentication fails; unset = answer the failure. */
  anonymous?: string;
  /** Realm of the `WWW-Authenticate: Basic realm="…"` challenge (default "service"). */
  realm: string;
}

const FIELDS = ['hide_credentials', 'anonymous', 'realm', 'brute_force_protection'];

export function parseBasicAuthConfig(raw: unknown, report: ConfigReporter): BasicAuthConfig {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && (raw as Record<string, unknown>)['flavour'] === 'traefik') {
    const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'flavour'));
    return parseTraefikBasicAuth(rest, report);
  }
  return parseKong(raw, report);
}

function parseKong(raw: unknown, report: ConfigReporter): KongBasicAuthConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'basic-auth');
  const out: KongBasicAuthConfig = { hide_credentials: r.bool('hide_credentials', false), realm: r.str('realm', 'service') };
  const anonymous = r.str('anonymous');
  if (anonymous !== undefined) out.anonymous = anonymous;
  if (r.has('brute_force_protection')) r.warn('brute_force_protection', 'GL_W_NO_EFFECT', 'brute_force_protection is a Kong Enterprise feature; gatelab does not model it');
  return out;
}
