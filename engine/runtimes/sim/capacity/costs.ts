/**
 * CPU the gateway spends on its side of an I/O call, charged on the replica's CPU server before the
 * call goes out (the plugin's own work is in its `cost` declaration). Measured on this machine with
 * `npx tsx scripts/measure-costs.ts` (node 20, Xeon 2.5 GHz); docs/capacity.md lists the numbers.
 */
import type { Effect } from '../../../pipeline/types.ts';

/** A loopback TCP request/answer, client share (half of client + server CPU in one process). */
export const STORE_CALL_CPU_US = 10;
/** A loopback HTTP/1.1 keep-alive GET, client share (half of client + server CPU in one process). */
export const HTTP_CALL_CPU_US = 63;
/**
 * A RequestMirror's copy: Envoy sends a shadow as a full upstream request of its own from the worker
 * that proxies the request (router.cc, the shadow writer's async client), so it costs that worker
 * one more upstream HTTP call — the client share measured above, body and answer included.
 */
export const SHADOW_COPY_CPU_US = HTTP_CALL_CPU_US;
/** Parsing a JWKS document and importing its RSA key (jose importJWK), when it was fetched. */
export const JWKS_PARSE_CPU_US = 47;

export const IO_COST_SOURCE = 'measured: npx tsx scripts/measure-costs.ts (loopback TCP 9.7 µs, HTTP GET 62.8 µs, JWKS parse + RSA importJWK 47.3 µs)';

/** Client-side CPU of one effect (0 for effects that are not I/O). */
export function ioCpuUs(effect: Effect): number {
  switch (effect.type) {
    case 'store':
      return STORE_CALL_CPU_US;
    case 'http':
      return HTTP_CALL_CPU_US + (effect.purpose === 'jwks' ? JWKS_PARSE_CPU_US : 0);
    default:
      return 0;
  }
}
