/**
 * Traefik `forwardAuth` middleware config (pkg/config/dynamic/middlewares.go, semantics §4), in
 * Traefik's own camelCase field names so the lesson's snippet 04 reads unchanged.
 */
import { RE2JS } from 're2js';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { parseNginxAuthRequestConfig, type NginxAuthRequest } from './nginx-config.ts';

export interface ForwardAuthConfig {
  /** The auth server's URL; every request is first sent there. */
  address: string;
  /**
   * true: pass the client's X-Forwarded-* on (XFF appended); false: drop them and set Traefik's own;
   * unset: the legacy behaviour (XFF/Proto/Method/Host/Uri overwritten, others such as
   * X-Forwarded-Prefix passed through) — Traefik warns about it since the April 2026 fix.
   */
  trustForwardHeader?: boolean;
  /** Auth-response headers copied onto the request to the backend (replacing any the client sent). */
  authResponseHeaders: string[];
  /** A regex of further auth-response headers to copy. */
  authResponseHeadersRegex?: string;
  /** Only these request headers go to the auth server; empty = all (minus hop-by-hop). */
  authRequestHeaders: string[];
  /** Call the auth server with the request's method instead of GET (default false). */
  preserveRequestMethod: boolean;
  /** Send the request body to the auth server (default false). */
  forwardBody: boolean;
  /**
   * With forwardBody: a request body longer than this many bytes is answered 401 at once, the auth
   * server never asked. Negative (the default, -1): no limit.
   */
  maxBodySize: number;
  /** An auth answer whose body is longer than this many bytes becomes a 401 (Traefik v3.6.9+). Negative (default -1): no limit. */
  maxResponseBodySize: number;
  /** Keep a relative Location of the auth response as it is (default false: made absolute). */
  preserveLocationHeader: boolean;
  /** Cookies of the auth response added to the client's response. */
  addAuthCookiesToResponse: string[];
  /** Turn an auth 401 into a 302 to this URL. */
  authSigninURL?: string;
  /**
   * Present only in the nginx flavour (`flavour: nginx`, ingress-nginx's auth-url): nginx's
   * auth_request rules replace Traefik's (nginx-auth-request.ts), and the Traefik fields above are
   * left at their defaults.
   */
  nginx?: NginxAuthRequest;
}

const FIELDS = [
  'address', 'trustForwardHeader', 'authResponseHeaders', 'authResponseHeadersRegex', 'authRequestHeaders',
  'preserveRequestMethod', 'forwardBody', 'maxBodySize', 'preserveLocationHeader', 'addAuthCookiesToResponse',
  'authSigninURL', 'headerField', 'tls', 'maxResponseBodySize', 'flavour',
];

const FLAVOURS = ['traefik', 'nginx'] as const;

function flavourOf(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>)['flavour'] : undefined;
}

export function parseForwardAuthConfig(raw: unknown, report: ConfigReporter): ForwardAuthConfig {
  if (flavourOf(raw) === 'nginx') return parseNginxAuthRequestConfig(raw, report);
  const r = new ConfigReader(raw, report, FIELDS, [], 'forwardAuth');
  r.oneOf('flavour', FLAVOURS, 'traefik');
  const address = r.str('address', '');
  if (!/^https?:\/\/[^/]+/.test(address)) r.error('address', 'address must be an absolute http(s) URL of the auth server', 'e.g. http://oauth2-proxy.auth.svc:4180/oauth2/auth');
  const out: ForwardAuthConfig = {
    address,
    authResponseHeaders: r.strList('authResponseHeaders', []),
    authRequestHeaders: r.strList('authRequestHeaders', []),
    preserveRequestMethod: r.bool('preserveRequestMethod', false),
    forwardBody: r.bool('forwardBody', false),
    // Go int64 byte counts; -1 is Traefik's "unlimited" default.
    maxBodySize: r.num('maxBodySize', -1, { integer: true }),
    maxResponseBodySize: r.num('maxResponseBodySize', -1, { integer: true }),
    preserveLocationHeader: r.bool('preserveLocationHeader', false),
    addAuthCookiesToResponse: r.strList('addAuthCookiesToResponse', []),
  };
  const trust = r.optBool('trustForwardHeader');
  if (trust !== undefined) out.trustForwardHeader = trust;
  else {
    r.warn([], 'GL_W_DEPRECATED', 'trustForwardHeader is not set: Traefik (since v3.6.14) keeps the legacy behaviour and logs a warning', 'set trustForwardHeader: true or false');
  }
  const regex = r.str('authResponseHeadersRegex');
  if (regex !== undefined) {
    try {
      RE2JS.compile(regex);
      out.authResponseHeadersRegex = regex;
    } catch {
      r.error('authResponseHeadersRegex', `'${regex}' is not a valid RE2 regular expression (Go's regexp syntax)`);
    }
  }
  const signin = r.str('authSigninURL');
  if (signin !== undefined) out.authSigninURL = signin;
  if (r.has('maxBodySize') && !out.forwardBody) {
    r.warn('maxBodySize', 'GL_W_NO_EFFECT', 'maxBodySize limits the body sent with forwardBody; without forwardBody: true no body is read, so it has no effect');
  }
  for (const k of ['tls', 'headerField']) {
    if (r.has(k)) r.warn(k, 'GL_W_NO_EFFECT', `${k} is accepted but not modelled by gatelab`);
  }
  return out;
}
