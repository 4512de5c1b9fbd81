/**
 * Semantics §6, Kong routing: the two rules kong-router.test.ts does not already pin — only a path that
 * starts with `~` is a regex (a regex-looking plain path is a string prefix), and traditional_compatible
 * has no created_at tie-break.
 */
import { describe, expect, it } from 'vitest';
import { adaptKong } from '../config/kong/adapt.ts';
import { goldenPluginLookup } from '../config/kong/golden-plugins.ts';
import { parseYaml } from '../config/yaml-source.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import { createKongRouter, type KongMatchRequest } from './kong-router.ts';

function router(routes: string) {
  const { docs } = parseYaml(`_format_version: "3.0"\nservices:\n  - name: s\n    url: http://s:8080\n    routes:\n${routes}`, 'kong.yaml');
  const result = adaptKong(docs, { plugins: goldenPluginLookup });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (!result.ir) throw new Error('no IR');
  return createKongRouter(result.ir);
}

const req = (path: string): KongMatchRequest => ({ method: 'GET', scheme: 'http', host: 'api.example.com', port: 8000, path, headers: new HeaderMap() });
const winner = (r: ReturnType<typeof router>, path: string): string | number => {
  const out = r.match(req(path));
  return 'route' in out ? out.route.name ?? '' : out.status;
};

describe('semantics §6 Kong routing', () => {
  it('§6 only a path starting with "~" is a regex: /users/.* without it is a literal string prefix', () => {
    const r = router('      - name: literal\n        paths: ["/users/.*"]\n');
    expect(winner(r, '/users/42')).toBe(404);
    expect(winner(r, '/users/.*x')).toBe('literal');
    const regex = router('      - name: regex\n        paths: ["~/users/.*"]\n');
    expect(winner(regex, '/users/42')).toBe('regex');
  });

  it('§6 traditional_compatible has no created_at tie-break: swapping created_at does not change the winner', () => {
    const routes = (a: number, b: number) =>
      `      - name: alpha\n        created_at: ${a}\n        paths: [/same]\n      - name: beta\n        created_at: ${b}\n        paths: [/same]\n`;
    expect(winner(router(routes(1, 2)), '/same')).toBe(winner(router(routes(2, 1)), '/same'));
  });
});
