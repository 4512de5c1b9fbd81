/**
 * An HTTPRoute rule's `timeouts` (GEP-1742: Extended support, in the standard channel since v1.2) and
 * `retry` (GEP-1731: Extended, experimental channel), read and checked as the API server checks them
 * (apis/v1/httproute_types.go): durations are GEP-2257 strings — one to four parts of up to five
 * digits with h, m, s or ms, "0s" disabling the timeout —, backendRequest may not exceed a non-zero
 * request, retry codes are 400–599 and unique (listType=set), attempts is ≥ 0. A value the API server
 * refuses is an error at its own line and column.
 */
import { parseDuration } from '../../core/duration.ts';
import type { JsonPath } from '../yaml-source.ts';
import { describe, isRecord, type AdaptContext, type K8sObject } from './context.ts';

export interface RuleTimeouts {
  /** rules[].timeouts.request in ms (0 = disabled); undefined when unset. */
  requestMs?: number;
  /** rules[].timeouts.backendRequest in ms (0 = disabled). */
  backendRequestMs?: number;
  at: JsonPath;
}

export interface RuleRetry {
  attempts?: number;
  codes: number[];
  backoffMs?: number;
  at: JsonPath;
}

export interface RuleResilience {
  timeouts?: RuleTimeouts;
  retry?: RuleRetry;
}

/** GEP-2257's pattern; a string that passes it is then read as Go's time.ParseDuration reads it. */
const GEP_2257 = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

export function readResilience(ctx: AdaptContext, o: K8sObject, at: JsonPath, rule: Record<string, unknown>): RuleResilience {
  const out: RuleResilience = {};
  const timeouts = readTimeouts(ctx, o, [...at, 'timeouts'], rule['timeouts']);
  if (timeouts) out.timeouts = timeouts;
  const retry = readRetry(ctx, o, [...at, 'retry'], rule['retry']);
  if (retry) out.retry = retry;
  return out;
}

function readTimeouts(ctx: AdaptContext, o: K8sObject, at: JsonPath, raw: unknown): RuleTimeouts | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    ctx.error(o, at, 'GL_E_TYPE', `timeouts must be a mapping (request, backendRequest), not ${describe(raw)}`);
    return undefined;
  }
  const requestMs = duration(ctx, o, [...at, 'request'], raw['request'], 'timeouts.request');
  const backendRequestMs = duration(ctx, o, [...at, 'backendRequest'], raw['backendRequest'], 'timeouts.backendRequest');
  if (requestMs !== undefined && backendRequestMs !== undefined && requestMs !== 0 && backendRequestMs > requestMs) {
    ctx.error(
      o,
      [...at, 'backendRequest'],
      'GL_E_CONFIG_INVALID',
      `backendRequest timeout cannot be longer than request timeout (${raw['backendRequest']} > ${raw['request']}); the API server rejects this HTTPRoute`,
      'one backend try must fit in the whole request: lower backendRequest or raise request',
    );
  }
  return { ...(requestMs !== undefined ? { requestMs } : {}), ...(backendRequestMs !== undefined ? { backendRequestMs } : {}), at };
}

function readRetry(ctx: AdaptContext, o: K8sObject, at: JsonPath, raw: unknown): RuleRetry | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    ctx.error(o, at, 'GL_E_TYPE', `retry must be a mapping (codes, attempts, backoff), not ${describe(raw)}`);
    return undefined;
  }
  const out: RuleRetry = { codes: [], at };
  const codes = raw['codes'];
  if (codes !== undefined && codes !== null) {
    if (!Array.isArray(codes)) ctx.error(o, [...at, 'codes'], 'GL_E_TYPE', `retry.codes must be a list of status codes, not ${describe(codes)}`, 'codes: [502, 503]');
    else {
      codes.forEach((c, i) => {
        if (typeof c !== 'number' || !Number.isInteger(c) || c < 400 || c > 599) {
          ctx.error(o, [...at, 'codes', i], 'GL_E_CONFIG_INVALID', `retry code ${JSON.stringify(c)} is not an HTTP status from 400 to 599`, 'the spec requires 500, 502, 503 and 504 to be supported');
        } else if (out.codes.includes(c)) {
          ctx.error(o, [...at, 'codes', i], 'GL_E_CONFIG_INVALID', `retry code ${c} is listed twice; codes is a set, so the API server rejects the duplicate`);
        } else out.codes.push(c);
      });
    }
  }
  const attempts = raw['attempts'];
  if (attempts !== undefined && attempts !== null) {
    if (typeof attempts !== 'number' || !Number.isInteger(attempts)) ctx.error(o, [...at, 'attempts'], 'GL_E_TYPE', `retry.attempts must be an integer, not ${describe(attempts)}`);
    else if (attempts < 0) ctx.error(o, [...at, 'attempts'], 'GL_E_CONFIG_INVALID', `retry.attempts must be 0 or more, not ${attempts}`, '0 disables retries');
    else out.attempts = attempts;
  }
  const backoffMs = duration(ctx, o, [...at, 'backoff'], raw['backoff'], 'retry.backoff');
  if (backoffMs !== undefined) out.backoffMs = backoffMs;
  return out;
}

function duration(ctx: AdaptContext, o: K8sObject, at: JsonPath, raw: unknown, what: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') {
    ctx.error(o, at, 'GL_E_TYPE', `${what} must be a duration string, not ${describe(raw)}`, typeof raw === 'number' ? `write it with a unit, quoted if you like: "${raw}s"` : 'e.g. 10s, 500ms, 1m30s');
    return undefined;
  }
  const ms = GEP_2257.test(raw) ? parseDuration(raw) : undefined;
  if (ms === undefined) {
    ctx.error(o, at, 'GL_E_DURATION', `${what} "${raw}" is not a Gateway API duration (GEP-2257: one to four parts of up to 5 digits, each with h, m, s or ms; no spaces, fractions or signs); the API server rejects it`, 'e.g. 10s, 500ms, 1m30s; "0s" disables the timeout');
    return undefined;
  }
  return ms;
}
