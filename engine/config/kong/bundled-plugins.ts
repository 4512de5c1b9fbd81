/**
 * The plugins Kong 3.10 OSS ships, with the priorities of semantics §6. A name on this list that
 * gatelab does not model yet loads with a warning; a name on no list is an error, because Kong refuses
 * to load a plugin that is not enabled in kong.conf.
 */

/** Higher runs first in every phase (semantics §6, OSS 3.10). */
export const KONG_PLUGIN_PRIORITIES: Readonly<Record<string, number>> = {
  'pre-function': 1000000,
  'correlation-id': 100001,
  zipkin: 100000,
  'bot-detection': 2500,
  cors: 2000,
  session: 1900,
  acme: 1705,
  jwt: 1450,
  oauth2: 1400,
  'key-auth': 1250,
  'ldap-auth': 1200,
  'basic-auth': 1100,
  'hmac-auth': 1030,
  'grpc-gateway': 998,
  'ip-restriction': 990,
  'request-size-limiting': 951,
  acl: 950,
  'rate-limiting': 910,
  'response-ratelimiting': 900,
  'request-transformer': 801,
  'response-transformer': 800,
  redirect: 779,
  'aws-lambda': 750,
  'azure-functions': 749,
  'proxy-cache': 100,
  opentelemetry: 14,
  prometheus: 13,
  'http-log': 12,
  statsd: 11,
  datadog: 10,
  'file-log': 9,
  'udp-log': 8,
  'tcp-log': 7,
  loggly: 6,
  syslog: 4,
  'grpc-web': 3,
  'request-termination': 2,
  'post-function': -1000,
};

/** Also bundled with OSS 3.x, but not in §6's priority table (gatelab does not order them). */
const OTHER_BUNDLED = [
  'ai-proxy',
  'ai-prompt-decorator',
  'ai-prompt-guard',
  'ai-prompt-template',
  'ai-request-transformer',
  'ai-response-transformer',
  'standard-webhooks',
];

export function kongBundledPluginNames(): string[] {
  return [...Object.keys(KONG_PLUGIN_PRIORITIES), ...OTHER_BUNDLED];
}
