/**
 * The CPU a gateway spends proxying one request with no plugins (accept, parse, route, balance,
 * forward, relay the answer, log), charged by the `compute` effect when a host models capacity.
 */
export const BASE_PROXY_CPU_US = 337;

export const BASE_PROXY_CPU_SOURCE =
  'Kong on 2 cores at 100 % CPU proxied 5,928 req/s over keep-alive connections (Erda API gateway ' +
  'benchmark, https://docs.erda.cloud/en/next/manual/msp/guides/apigw/bench.html): 2,000,000 µs / 5,928 = 337 µs per request';
