/** Builds a Kong declarative config (as IR) for tests, through the real adapter. */
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { formatDiagnostic, hasErrors } from '../../engine/core/errors.ts';

export function kongIr(yaml: string, file = 'test.yaml'): GatewayIR {
  const parsed = parseYaml(yaml, file);
  const loaded = loadGateway({ sources: [{ file, docs: parsed.docs }], overlays: [] });
  if (!loaded.ir || hasErrors([...parsed.diagnostics, ...loaded.diagnostics])) {
    throw new Error([...parsed.diagnostics, ...loaded.diagnostics].map(formatDiagnostic).join('\n'));
  }
  return loaded.ir;
}

/**
 * Exercise 1's orders-api pointed at a local upstream, with the given plugin entries (YAML list items,
 * already indented for the service) and optional top-level sections after it (consumers, say).
 */
export function ordersServiceConfig(upstreamPort: number, plugins: string, after = ''): string {
  return `_format_version: "3.0"
services:
  - name: orders-api
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: orders-route
        paths: ["/api/v1/orders"]
        strip_path: true
    plugins:
${plugins}${after}`;
}

/** Exercise 1's orders-api with only its rate limit, pointed at a local upstream. */
export function ordersConfig(upstreamPort: number, minute = 3): string {
  return ordersServiceConfig(
    upstreamPort,
    `      - name: rate-limiting
        config:
          minute: ${minute}
          policy: local
`,
  );
}
