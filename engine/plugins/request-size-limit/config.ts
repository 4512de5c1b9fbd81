/**
 * Two flavours of one rule — refuse a request body over a size — read under each vendor's own names:
 *
 * - `kong`: Kong's `request-size-limiting` (Kong/kong kong/plugins/request-size-limiting/schema.lua):
 *   `allowed_payload_size` (integer, default 128) in `size_unit` (megabytes, the default, kilobytes
 *   or bytes; 1024-based, handler.lua unit_multiplication_factor) and `require_content_length`.
 * - `traefik`: the request side of Traefik's `buffering` middleware (pkg/config/dynamic/middlewares.go
 *   Buffering over vulcand/oxy buffer/buffer.go): `maxRequestBodyBytes`, 0 meaning no limit. The
 *   adapter marks it with `flavour: traefik`; the fields that change nothing a client sees are read
 *   and said to be so here, so the warning points at their line.
 * - `nginx`: nginx's `client_max_body_size` as ingress-nginx renders it (nginx.ts): the size as nginx
 *   writes it (`1m`, `512k`, `0` = no limit) and `origin`, the setting it came from, for the reasons.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { NGINX_DEFAULT_BODY_SIZE, parseNginxSize } from './nginx.ts';

export const KONG_SIZE_UNITS = ['megabytes', 'kilobytes', 'bytes'] as const;
export type KongSizeUnit = (typeof KONG_SIZE_UNITS)[number];
const UNIT_BYTES: Record<KongSizeUnit, number> = { bytes: 1, kilobytes: 1024, megabytes: 1048576 };

export const KONG_SIZE_FIELDS = ['allowed_payload_size', 'size_unit', 'require_content_length'] as const;
export const BUFFERING_FIELDS = ['maxRequestBodyBytes', 'memRequestBodyBytes', 'maxResponseBodyBytes', 'memResponseBodyBytes', 'retryExpression'] as const;

export interface KongSizeConfig {
  flavour: 'kong';
  /** The limit as configured, in `size_unit`s. */
  allowed_payload_size: number;
  size_unit: KongSizeUnit;
  /** Answer 411 to a request with neither a Content-Length nor `Transfer-Encoding: chunked`. */
  require_content_length: boolean;
  /** allowed_payload_size × the unit's bytes: what a body's length is compared with. */
  allowedBytes: number;
}

export interface TraefikBufferingConfig {
  flavour: 'traefik';
  /** Largest request body in bytes; 0 = no limit (oxy's checkLimit skips a limit ≤ 0). */
  maxRequestBodyBytes: number;
}

export const NGINX_SIZE_FIELDS = ['client_max_body_size', 'origin'] as const;

export interface NginxBodySizeConfig {
  flavour: 'nginx';
  /** As nginx reads it: digits and an optional k, m or g. */
  client_max_body_size: string;
  /** The same in bytes; 0 = no limit. */
  maxBytes: number;
  /** Which setting gave the value ("proxy-body-size annotation"): every reason names it. */
  origin: string;
}

export type RequestSizeLimitConfig = KongSizeConfig | TraefikBufferingConfig | NginxBodySizeConfig;

export function parseRequestSizeLimitConfig(raw: unknown, report: ConfigReporter): RequestSizeLimitConfig {
  const flavour = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)['flavour'] : undefined;
  if (flavour === 'traefik') return parseBuffering(raw as Record<string, unknown>, report);
  if (flavour === 'nginx') return parseNginx(raw as Record<string, unknown>, report);
  return parseKong(raw, report);
}

function parseNginx(raw: Record<string, unknown>, report: ConfigReporter): NginxBodySizeConfig {
  const { flavour: _flavour, ...fields } = raw;
  const r = new ConfigReader(fields, report, NGINX_SIZE_FIELDS, [], 'client_max_body_size');
  let size = r.str('client_max_body_size', NGINX_DEFAULT_BODY_SIZE);
  let bytes = parseNginxSize(size);
  if (bytes === undefined) {
    // nginx refuses the directive ("invalid value"), so such a config never loads.
    r.error('client_max_body_size', `client_max_body_size "${size}" is not a size nginx reads (digits and an optional k, m or g)`);
    size = NGINX_DEFAULT_BODY_SIZE;
    bytes = parseNginxSize(size) as number;
  }
  return { flavour: 'nginx', client_max_body_size: size, maxBytes: bytes, origin: r.str('origin', 'client_max_body_size') };
}

function parseKong(raw: unknown, report: ConfigReporter): KongSizeConfig {
  const r = new ConfigReader(raw, report, KONG_SIZE_FIELDS, [], 'request-size-limiting');
  const allowed = r.num('allowed_payload_size', 128, { integer: true });
  let unit = r.str('size_unit', 'megabytes') as KongSizeUnit;
  if (!KONG_SIZE_UNITS.includes(unit)) {
    r.error('size_unit', `size_unit must be one of ${KONG_SIZE_UNITS.join(', ')}, not "${unit}"`);
    unit = 'megabytes';
  }
  return {
    flavour: 'kong',
    allowed_payload_size: allowed,
    size_unit: unit,
    require_content_length: r.bool('require_content_length', false),
    allowedBytes: allowed * UNIT_BYTES[unit],
  };
}

function parseBuffering(raw: Record<string, unknown>, report: ConfigReporter): TraefikBufferingConfig {
  const { flavour: _flavour, ...fields } = raw;
  const r = new ConfigReader(fields, report, BUFFERING_FIELDS, [], 'buffering');
  // oxy's option setters refuse a negative size ("max bytes should be >= 0"): the middleware is not built.
  const max = r.num('maxRequestBodyBytes', 0, { min: 0, integer: true });
  // The mem* sizes only choose memory or a temporary file for the buffer: nothing a client sees.
  r.num('memRequestBodyBytes', 0, { min: 0, integer: true });
  r.num('memResponseBodyBytes', 0, { min: 0, integer: true });
  if (r.num('maxResponseBodyBytes', 0, { min: 0, integer: true }) > 0) {
    r.warn('maxResponseBodyBytes', 'GL_W_NO_EFFECT', 'maxResponseBodyBytes is not modelled: responses pass whatever their size');
  }
  if (r.has('retryExpression')) {
    r.warn('retryExpression', 'GL_W_NO_EFFECT', 'retryExpression is not modelled: the buffered request is sent once (use the retry middleware)');
  }
  return { flavour: 'traefik', maxRequestBodyBytes: max };
}
