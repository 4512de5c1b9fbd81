/**
 * The generated scenario of the lab's big-run benchmarks (bench-large.ts in Chromium, bench-codec.ts
 * in Node): 10 Poisson clients through one Kong route with a local rate-limiting limit, 3 replicas,
 * 300 s, about `requests` requests in all.
 */
const clients = 10;
const seconds = 300;
/** Each client's Poisson rate per second. */
function rateFor(requests: number): number {
  return Math.max(1, Math.round(requests / clients / seconds));
}

export function scenarioText(requests: number): string {
  const rate = rateFor(requests);
  const lines = [
    'id: bench-large',
    `title: "Benchmark: about ${requests.toLocaleString('en')} requests through a fixed-window limit"`,
    'topic: capacity',
    'summary: A rate-limiting load for measuring the lab, not a lesson.',
    'tags: [benchmark]',
    'start: 2026-01-01T12:00:00Z',
    'seed: 1',
    `duration: ${seconds}s`,
    'replicas: 3',
    'gateway:',
    '  config:',
    '    _format_version: "3.0"',
    '    services:',
    '      - name: orders-api',
    '        url: http://orders.internal:8080',
    '        routes:',
    '          - name: orders-route',
    '            paths: [/api/orders]',
    '        plugins:',
    '          - name: rate-limiting',
    `            config: { second: ${Math.max(1, Math.round(rate * 0.6))}, limit_by: ip, policy: local }`,
    'clients:',
  ];
  for (let i = 0; i < clients; i++) {
    lines.push(`  - id: c${i}`, `    ip: 203.0.113.${10 + i}`, '    request: { method: GET, url: http://api.example.com/api/orders }', `    traffic: [ { poisson: { rate: ${rate}/s } } ]`);
  }
  lines.push('backends:', '  - name: orders-api', '    latency: { lognormal: { p50: 20ms, p99: 80ms } }');
  return `${lines.join('\n')}\n`;
}

