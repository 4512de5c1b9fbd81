import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptKong } from '../config/kong/adapt.ts';
import { goldenPluginLookup } from '../config/kong/golden-plugins.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import { createKongRouter, type KongMatchRequest } from './kong-router.ts';

// Routes that overlap in several ways, so requests win with different runner-ups, path rules and
// numbers of candidates: the parts winReason's built sentences are kept by.
const CONFIG = `_format_version: "3.0"
services:
  - name: api
    url: http://api.internal:8080
    routes:
      - name: short
        paths: [/api]
      - name: orders
        paths: [/api/orders, /api/orders/v2]
      - name: orders-regex
        paths: ["~/api/orders/\\\\d+$"]
      - name: host-orders
        hosts: [api.example.com]
        paths: [/api/orders]
      - name: wild
        hosts: ["*.example.com"]
        paths: [/api]
`;

function router() {
  const { docs } = parseYaml(CONFIG, 'kong.yaml');
  const result = adaptKong(docs, { plugins: goldenPluginLookup });
  if (!result.ir) throw new Error('no IR');
  return createKongRouter(result.ir);
}

const PATHS = ['/api', '/api/x', '/api/orders', '/api/orders/7', '/api/orders/v2/1', '/api/orders/v2', '/nothing'];
const HOSTS = ['api.example.com', 'a.example.com', 'other.net'];

function reasonOf(r: ReturnType<typeof router>, path: string, host: string): string {
  const request: KongMatchRequest = { method: 'GET', scheme: 'http', host, port: 8000, path, headers: new HeaderMap([]) };
  return r.match(request).reason;
}

describe('winReason keeps its sentences', () => {
  it('gives, in any order of requests, the sentence a fresh router builds for each', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...HOSTS)), { minLength: 1, maxLength: 40 }), (asks) => {
        // One router answers them all (its sentences built once and handed back), a new router each
        // (its matchers new, so nothing kept applies) answers as the first time.
        const kept = router();
        for (const [path, host] of asks) expect(reasonOf(kept, path, host)).toBe(reasonOf(router(), path, host));
      }),
      { numRuns: 60 },
    );
  });

  it('still says which rule and how many candidates', () => {
    const r = router();
    expect(reasonOf(r, '/api/orders', 'other.net')).toBe('route orders: path prefix /api/orders matched (longest of 2 candidates)');
    expect(reasonOf(r, '/api/orders', 'api.example.com')).toBe('route host-orders: path prefix /api/orders, host api.example.com matched (plain hosts beat the wildcard host of route wild; 4 candidates)');
    expect(reasonOf(r, '/api/orders', 'other.net')).toBe('route orders: path prefix /api/orders matched (longest of 2 candidates)');
  });
});
