/**
 * HTTP callouts in the simulation (a forward-auth check, a JWKS fetch): the scenario backend bound to
 * the callout URL's host answers, with its latency, status, headers and body — the same binding rule
 * as for upstreams, so `backends: [{name: idp.internal, body: <jwks>}]` is the identity provider.
 * Without such a backend the callout gets an empty 200 at once, as before callouts had models. A body
 * longer than the effect's `maxBodyBytes` is not handed over: the answer says `bodyTooLarge`.
 */
import type { BackendSpec } from '../../scenario/types.ts';
import type { Effect, EffectResult } from '../../pipeline/types.ts';
import { utf8LengthOver } from '../../config/yaml-limits.ts';

type HttpEffect = Extract<Effect, { type: 'http' }>;

/** The backend named `host:port` (port defaulted from the scheme), then `host`. */
export function findCalloutBackend(backends: readonly BackendSpec[], url: string): BackendSpec | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return backends.find((b) => b.name === `${u.hostname}:${port}`) ?? backends.find((b) => b.name === u.hostname);
}

/** How the callout's backend behaves at that instant (its model with any degradation laid over it). */
export interface CalloutModel {
  /** Network time both ways. */
  networkMs: number;
  /** The backend's own work. */
  workMs: number;
  down: boolean;
  /** This call drew an error (the backend's errorRate): it answers errorStatus. */
  failed: boolean;
  errorStatus: number;
}

/**
 * What the callout returns and after how long. A down backend refuses after the network round trip
 * (it never works on the request); past the effect's timeout the caller sees a timeout at that instant.
 */
export function calloutAnswer(effect: HttpEffect, backend: BackendSpec, m: CalloutModel): { afterMs: number; result: EffectResult } {
  if (m.down) return { afterMs: m.networkMs, result: { ok: false, error: `connection refused by ${backend.name} (outage)` } };
  const roundTripMs = m.networkMs + m.workMs;
  if (roundTripMs > effect.timeoutMs) {
    return { afterMs: effect.timeoutMs, result: { ok: false, error: `${backend.name} did not answer within ${effect.timeoutMs} ms` } };
  }
  const status = m.failed ? m.errorStatus : backend.status;
  const body = backend.body ?? '';
  // The caller reads at most maxBodyBytes (Traefik's maxResponseBodySize), as the proxy host does.
  if (effect.maxBodyBytes !== undefined && utf8LengthOver(body, effect.maxBodyBytes)) {
    return { afterMs: roundTripMs, result: { ok: true, status, headers: answerHeadersOf(backend), bodyTooLarge: true } };
  }
  return { afterMs: roundTripMs, result: { ok: true, status, headers: answerHeadersOf(backend), body } };
}

/**
 * The backend's headers as a callout answer carries them: copied once per backend and frozen, since
 * every reader only copies them on (forward-auth builds a HeaderMap) — not a fresh copy per callout.
 */
const answerHeaders = new WeakMap<BackendSpec, Array<[string, string]>>();

function answerHeadersOf(backend: BackendSpec): Array<[string, string]> {
  let headers = answerHeaders.get(backend);
  if (!headers) {
    headers = Object.freeze(backend.headers.map(([n, v]) => Object.freeze([n, v]) as [string, string])) as Array<[string, string]>;
    answerHeaders.set(backend, headers);
  }
  return headers;
}
