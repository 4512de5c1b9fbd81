/**
 * The Kong declarative config every gatelab bench serves: one service, one route, and the policies
 * asked for — by default all three of the bench's policy set (key-auth, a local rate limit that
 * never rejects, a request header added), which the nginx and Node peers mirror (policies.ts).
 */
import { ADDED_HEADER, BENCH_KEY } from './policies.ts';

export type BenchPlugin = 'key-auth' | 'rate-limiting' | 'request-transformer';

export const ALL_BENCH_PLUGINS: readonly BenchPlugin[] = ['key-auth', 'rate-limiting', 'request-transformer'];

const PLUGIN_YAML: Record<BenchPlugin, string> = {
  'key-auth': `      - name: key-auth
        config: { key_names: [apikey] }`,
  'rate-limiting': `      - name: rate-limiting
        config: { minute: 10000000, policy: local }`,
  'request-transformer': `      - name: request-transformer
        config: { add: { headers: ["${ADDED_HEADER}:1"] } }`,
};

/** One service, one route, and the plugins given (none = the empty pipeline). */
export function kongBenchConfig(upstreamPort: number, plugins: readonly BenchPlugin[] = ALL_BENCH_PLUGINS): string {
  const pluginBlock = plugins.length === 0 ? '' : `    plugins:\n${plugins.map((p) => PLUGIN_YAML[p]).join('\n')}\n`;
  const consumers = plugins.includes('key-auth') ? `consumers:\n  - username: bench\n    keyauth_credentials:\n      - key: ${BENCH_KEY}\n` : '';
  return `_format_version: "3.0"
services:
  - name: bench
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: bench-route
        paths: ["/"]
${pluginBlock}${consumers}`;
}
