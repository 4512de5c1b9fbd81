/**
 * A fixed plugin lookup for the adapter's golden tests. The goldens pin what the *adapter* does (ids,
 * scopes, locations, which names warn and which fail), so they must not change when a real plugin's
 * config parser changes or lands. The stand-in rate-limit parser keeps the config as written and checks
 * field names against Kong's rate-limiting schema, which is enough to show where its reports land.
 */
import type { PluginDefinition } from '../../pipeline/types.ts';
import type { KongPluginLookup } from './context.ts';
import { isRecord } from './context.ts';
import { suggestion } from './nearest.ts';

const RATE_LIMITING_FIELDS = [
  'second', 'minute', 'hour', 'day', 'month', 'year', 'limit_by', 'header_name', 'path', 'policy', 'fault_tolerant',
  'hide_client_headers', 'error_code', 'error_message', 'sync_rate', 'redis', 'redis_host', 'redis_port',
  'redis_password', 'redis_username', 'redis_ssl', 'redis_ssl_verify', 'redis_server_name', 'redis_timeout',
  'redis_database',
];

export const GOLDEN_RATE_LIMIT: PluginDefinition<Record<string, unknown>> = {
  id: 'rate-limit',
  priority: 910,
  parse(raw, report) {
    if (!isRecord(raw)) {
      report.error([], 'GL_E_TYPE', 'config must be a mapping');
      return {};
    }
    for (const key of Object.keys(raw)) {
      if (!RATE_LIMITING_FIELDS.includes(key)) {
        report.error([key], 'GL_E_UNKNOWN_FIELD', `unknown field "${key}"`, suggestion(key, RATE_LIMITING_FIELDS, 'fields'));
      }
    }
    return { ...raw };
  },
  create() {
    return {};
  },
};

export const goldenPluginLookup: KongPluginLookup = {
  find: (name) => (name === 'rate-limiting' ? (GOLDEN_RATE_LIMIT as PluginDefinition<unknown>) : undefined),
  mapped: () => ['rate-limiting'],
};
