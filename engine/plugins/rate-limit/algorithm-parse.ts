/**
 * Reads a config that names an `algorithm`: the vendor's knobs for that flavour, the vendor's
 * defaults, and the vendor's own validation where it has one (nginx refuses `burst=0` and
 * `0.5r/s`; Envoy needs `fill_interval`). Never throws: problems go to `report` at their path.
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import {
  ALGORITHMS,
  TOKEN_BUCKET_FLAVOURS,
  type Algorithm,
  type AlgorithmConfig,
  type GcraFlavourConfig,
  type NginxLimitReqFlavourConfig,
  type NginxLimitReqZone,
  type SlidingLogFlavourConfig,
  type SlidingWindowFlavourConfig,
  type TokenBucketFlavourConfig,
  type TokenBucketFlavourName,
} from './algorithm-config.ts';
import { KNOWN_FIELDS as KONG_FIELDS } from './config.ts';
import { Fields } from './fields.ts';
import { parseKeySpec, type KeySpec } from './key.ts';
import { closeName } from './levenshtein.ts';
import { parseSourceCriterion } from './source-criterion.ts';
import { NGINX_LIMIT_REQ_DEFAULT_STATUS, parseNginxRate } from './math/nginx-limit-req.ts';
import { MIN_ZONE_BYTES, parseNginxSize } from './math/nginx-slab.ts';
import { tokenBucketConfigProblems, type TokenBucketConfig } from './math/token-bucket.ts';

const COMMON = ['algorithm', 'key'];

const ALGORITHM_FIELDS: Record<Exclude<Algorithm, 'token-bucket'>, readonly string[]> = {
  'sliding-window': ['limit', 'window_size', 'window_type', 'disable_penalty', 'reject', 'error_code', 'error_message', 'hide_client_headers'],
  'sliding-log': ['limit', 'window_size', 'status'],
  'nginx-limit-req': ['rate', 'burst', 'nodelay', 'delay', 'status', 'zone', 'zone_size', 'also'],
  gcra: ['limit', 'period', 'burst', 'status'],
};

/** The fields of one further limit_req line under nginx-limit-req's `also`. */
const ALSO_FIELDS = ['zone', 'zone_size', 'rate', 'burst', 'nodelay', 'delay'];

const ENVOY_FIELDS = ['max_tokens', 'tokens_per_fill', 'fill_interval', 'status', 'enable_x_ratelimit_headers'];
const BUCKET_FIELDS: Record<TokenBucketFlavourName, readonly string[]> = {
  envoy: ENVOY_FIELDS,
  'envoy-timer': ENVOY_FIELDS,
  traefik: ['average', 'period', 'burst', 'sourceCriterion'],
  aws: ['rate', 'burst'],
};

/** AWS's account-level default per Region when a stage sets no throttling (semantics §5). */
export const AWS_ACCOUNT_DEFAULTS = { rate: 10_000, burst: 5_000 };

/** Where a field a student put in the wrong flavour actually belongs, for the hint. */
function ownerOf(field: string): string | undefined {
  for (const a of Object.keys(ALGORITHM_FIELDS) as Array<keyof typeof ALGORITHM_FIELDS>) {
    if (ALGORITHM_FIELDS[a].includes(field)) return `algorithm: ${a}`;
  }
  for (const f of TOKEN_BUCKET_FLAVOURS) if (BUCKET_FIELDS[f].includes(field)) return `algorithm: token-bucket, flavour: ${f}`;
  if (KONG_FIELDS.includes(field)) return "Kong's rate-limiting, which is the config without an algorithm field";
  return undefined;
}

function checkUnknown(f: Fields, known: readonly string[], where: string): void {
  for (const key of Object.keys(f.obj)) {
    if (known.includes(key)) continue;
    const owner = ownerOf(key);
    const near = closeName(key, known);
    const hint = owner ? `${key} belongs to ${owner}` : near ? `did you mean '${near}'?` : undefined;
    f.report.error([key], 'GL_E_UNKNOWN_FIELD', `unknown field '${key}' for ${where}`, hint);
  }
}

/**
 * The key when the config names none. Envoy's local rate limit keeps one bucket per filter config,
 * shared by every client (per-client buckets need descriptors), and AWS throttles per account,
 * stage or method — never per caller (§3 "Scope", §5 "Layers"): for those, one global bucket. The
 * other vendors limit per client by default.
 */
function defaultKey(f: Fields): KeySpec {
  // Raw reads: a wrongly typed field is reported once, where it is parsed.
  const flavour = f.obj['flavour'];
  const shared = f.obj['algorithm'] === 'token-bucket' && (flavour === 'envoy' || flavour === 'envoy-timer' || flavour === 'aws');
  return shared ? { kind: 'global' } : { kind: 'ip' };
}

function readKey(f: Fields): KeySpec {
  // Traefik's own way to say it (only its token bucket has the field; elsewhere it is unknown).
  if (f.has('sourceCriterion') && f.obj['algorithm'] === 'token-bucket' && f.obj['flavour'] === 'traefik') {
    if (f.has('key')) f.report.error(['key'], 'GL_E_CONFIG_INVALID', 'key and sourceCriterion both say who shares a bucket', 'keep sourceCriterion, Traefik\'s own field');
    return parseSourceCriterion(f.obj['sourceCriterion'], f.report);
  }
  const raw = f.string('key');
  if (raw === undefined) return defaultKey(f);
  const k = parseKeySpec(raw);
  if ('error' in k) {
    f.report.error(['key'], 'GL_E_CONFIG_INVALID', k.error);
    return { kind: 'ip' };
  }
  return k;
}

/** A rejection status a gateway can send (400–599), or the default. */
function readStatus(f: Fields, key: string, fallback: number): number {
  return f.number(key, { integer: true, min: 400, max: 599 }) ?? fallback;
}

export function parseAlgorithmConfig(raw: Record<string, unknown>, report: ConfigReporter): AlgorithmConfig | undefined {
  const f = new Fields(raw, report);
  const algorithm = f.string('algorithm');
  if (algorithm === undefined || !(ALGORITHMS as readonly string[]).includes(algorithm)) {
    const near = algorithm === undefined ? undefined : closeName(algorithm, ALGORITHMS);
    report.error(['algorithm'], 'GL_E_CONFIG_INVALID', `algorithm must be one of ${ALGORITHMS.join(', ')}`, near ? `did you mean '${near}'?` : undefined);
    return undefined;
  }
  const key = readKey(f);
  switch (algorithm as Algorithm) {
    case 'sliding-window':
      return parseSlidingWindow(f, key);
    case 'sliding-log':
      return parseSlidingLog(f, key);
    case 'token-bucket':
      return parseTokenBucket(f, key);
    case 'nginx-limit-req':
      return parseNginx(f, key);
    case 'gcra':
      return parseGcra(f, key);
  }
}

function parseSlidingWindow(f: Fields, key: KeySpec): SlidingWindowFlavourConfig {
  checkUnknown(f, [...COMMON, ...ALGORITHM_FIELDS['sliding-window']], 'algorithm sliding-window');
  if (!f.has('limit')) f.report.error(['limit'], 'GL_E_CONFIG_INVALID', 'limit is required', 'e.g. limit: 100 (or Kong Advanced style, limit: [100])');
  if (!f.has('window_size')) f.report.error(['window_size'], 'GL_E_CONFIG_INVALID', 'window_size is required (seconds)', 'e.g. window_size: 60');
  const limits = f.numberList('limit', { above: 0 }) ?? [];
  const sizes = f.numberList('window_size', { above: 0 }) ?? [];
  if (limits.length > 0 && sizes.length > 0 && limits.length !== sizes.length) {
    f.report.error(['window_size'], 'GL_E_CONFIG_INVALID', `limit has ${limits.length} values and window_size ${sizes.length}: they pair up one to one`);
  }
  const n = Math.min(limits.length, sizes.length);
  return {
    algorithm: 'sliding-window',
    key,
    windows: Array.from({ length: n }, (_, i) => ({ limit: limits[i] as number, windowSeconds: sizes[i] as number })),
    window_type: f.oneOf('window_type', ['sliding', 'fixed'] as const) ?? 'sliding',
    disable_penalty: f.boolean('disable_penalty') ?? false,
    reject: f.oneOf('reject', ['gte', 'gt'] as const) ?? 'gte',
    error_code: f.number('error_code', { integer: true, min: 100, max: 599 }) ?? 429,
    error_message: f.string('error_message') ?? 'API rate limit exceeded',
    hide_client_headers: f.boolean('hide_client_headers') ?? false,
  };
}

function parseSlidingLog(f: Fields, key: KeySpec): SlidingLogFlavourConfig {
  checkUnknown(f, [...COMMON, ...ALGORITHM_FIELDS['sliding-log']], 'algorithm sliding-log');
  return {
    algorithm: 'sliding-log',
    key,
    limit: f.required('limit', { integer: true, above: 0 }) ?? 1,
    window_size: f.required('window_size', { above: 0 }, 'seconds, e.g. window_size: 60') ?? 1,
    status: readStatus(f, 'status', 429),
  };
}

function parseTokenBucket(f: Fields, key: KeySpec): TokenBucketFlavourConfig | undefined {
  const flavour = f.string('flavour');
  if (flavour === undefined || !(TOKEN_BUCKET_FLAVOURS as readonly string[]).includes(flavour)) {
    const near = flavour === undefined ? undefined : closeName(flavour, TOKEN_BUCKET_FLAVOURS);
    f.report.error(['flavour'], 'GL_E_CONFIG_INVALID', `a token bucket needs a flavour: ${TOKEN_BUCKET_FLAVOURS.join(', ')}`, near ? `did you mean '${near}'?` : undefined);
    return undefined;
  }
  const fl = flavour as TokenBucketFlavourName;
  checkUnknown(f, [...COMMON, 'flavour', ...BUCKET_FIELDS[fl]], `the ${fl} token bucket`);
  let bucket: TokenBucketConfig;
  let status = 429;
  let headers = false;
  if (fl === 'envoy' || fl === 'envoy-timer') {
    const maxTokens = f.required('max_tokens', { integer: true, above: 0 }) ?? 1;
    const tokensPerFill = f.number('tokens_per_fill', { integer: true, above: 0 }) ?? 1;
    const fillIntervalMs = f.has('fill_interval') ? (f.duration('fill_interval') ?? 1000) : undefined;
    if (fillIntervalMs === undefined) f.report.error(['fill_interval'], 'GL_E_CONFIG_INVALID', 'fill_interval is required', 'e.g. fill_interval: 1s');
    bucket = { flavour: fl, maxTokens, tokensPerFill, fillIntervalMs: fillIntervalMs ?? 1000 };
    const code = f.number('status', { integer: true, min: 100, max: 599 });
    if (code !== undefined && code < 400) {
      f.report.warn(['status'], 'GL_W_NO_EFFECT', `Envoy answers 429 for a local rate limit status below 400, not ${code}`);
    } else if (code !== undefined) status = code;
    headers = (f.oneOf('enable_x_ratelimit_headers', ['OFF', 'DRAFT_VERSION_03'] as const) ?? 'OFF') === 'DRAFT_VERSION_03';
  } else if (fl === 'traefik') {
    const average = f.number('average', { min: 0 }) ?? 0;
    const periodMs = f.duration('period', true) ?? 1000;
    if (periodMs <= 0) f.report.error(['period'], 'GL_E_CONFIG_INVALID', 'period must be greater than 0');
    const burst = f.number('burst', { integer: true, min: 0 }) ?? 1;
    if (average === 0) f.report.warn(['average'], 'GL_W_NO_EFFECT', 'average 0 (Traefik’s default) means no limit at all: every request passes');
    bucket = { flavour: 'traefik', average, periodMs: periodMs > 0 ? periodMs : 1000, burst };
  } else {
    const rate = f.number('rate', { above: 0 }) ?? AWS_ACCOUNT_DEFAULTS.rate;
    const burst = f.number('burst', { integer: true, min: 0 }) ?? AWS_ACCOUNT_DEFAULTS.burst;
    bucket = { flavour: 'aws', rate, burst };
  }
  for (const problem of tokenBucketConfigProblems(bucket)) f.report.error([], 'GL_E_CONFIG_INVALID', problem);
  return { algorithm: 'token-bucket', key, bucket, status, x_ratelimit_headers: headers };
}

function parseNginx(f: Fields, key: KeySpec): NginxLimitReqFlavourConfig {
  checkUnknown(f, [...COMMON, ...ALGORITHM_FIELDS['nginx-limit-req']], 'algorithm nginx-limit-req');
  const first = parseNginxZone(f);
  const also = parseNginxAlso(f, first.limit.zone);
  return {
    algorithm: 'nginx-limit-req',
    key,
    ...first,
    ...(also.length > 0 ? { also } : {}),
    status: readStatus(f, 'status', NGINX_LIMIT_REQ_DEFAULT_STATUS),
  };
}

/** One limit_req line's fields: rate (required), burst, nodelay or delay, zone. */
function parseNginxZone(f: Fields, zoneRequired = false): NginxLimitReqZone {
  const rateText = f.string('rate');
  let rateMilli = 1000;
  if (rateText === undefined) f.report.error(['rate'], 'GL_E_CONFIG_INVALID', 'rate is required', 'e.g. rate: 10r/s or rate: 30r/m');
  else {
    const parsed = parseNginxRate(rateText);
    if (parsed.ok) rateMilli = parsed.value;
    else f.report.error(['rate'], 'GL_E_CONFIG_INVALID', parsed.error, 'nginx takes whole numbers only: write 30r/m for half a request per second');
  }
  // nginx refuses burst=0 and delay=0 outright ("invalid burst value"); leaving them out means 0.
  const burst = f.number('burst', { integer: true, above: 0 }) ?? 0;
  const nodelay = f.boolean('nodelay') ?? false;
  const delay = f.number('delay', { integer: true, above: 0 });
  if (nodelay && delay !== undefined) {
    f.report.error(['delay'], 'GL_E_CONFIG_INVALID', 'nodelay and delay= are alternatives: nodelay lets every excess request go at once, delay=N only the first N', 'keep one of them');
  }
  const zone = f.string('zone');
  if (zone === undefined && zoneRequired) f.report.error(['zone'], 'GL_E_CONFIG_INVALID', 'zone is required for a further limit_req', 'name it, e.g. zone: per-minute');
  const zoneSize = parseZoneSize(f);
  return {
    limit: { zone: zone ?? 'rate-limit', rateMilli, burst, delay: nodelay ? 'nodelay' : (delay ?? 0) },
    rate: rateText ?? `${rateMilli / 1000}r/s`,
    // Only when written, so a config without it stays exactly the object it always was.
    ...(zoneSize !== undefined ? { zone_size: zoneSize } : {}),
  };
}

/** `zone_size`: the `:10m` of limit_req_zone, in bytes; nginx refuses less than eight pages. */
function parseZoneSize(f: Fields): number | undefined {
  const raw = f.obj['zone_size'];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    f.report.error(['zone_size'], 'GL_E_TYPE', 'zone_size must be a size such as 10m, 512k or a number of bytes');
    return undefined;
  }
  const parsed = parseNginxSize(raw);
  if (!parsed.ok) {
    f.report.error(['zone_size'], 'GL_E_CONFIG_INVALID', parsed.error);
    return undefined;
  }
  if (parsed.bytes < MIN_ZONE_BYTES) {
    f.report.error(['zone_size'], 'GL_E_CONFIG_INVALID', `zone "${f.obj['zone'] ?? 'rate-limit'}:${raw}" is too small: nginx needs at least ${MIN_ZONE_BYTES} bytes (8 pages)`, 'write 32k or more');
    return undefined;
  }
  return parsed.bytes;
}

/**
 * `also`: the location's further limit_req lines, in order, each with its own zone. nginx refuses a
 * location that names one zone twice ("limit_req ... is duplicate"), and so does this.
 */
function parseNginxAlso(f: Fields, firstZone: string): NginxLimitReqZone[] {
  const raw = f.obj['also'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    f.report.error(['also'], 'GL_E_TYPE', 'also must be a list of limit_req lines', 'e.g. also: [{ zone: per-minute, rate: 100r/m, burst: 500, nodelay: true }]');
    return [];
  }
  const seen = new Set([firstZone]);
  const out: NginxLimitReqZone[] = [];
  raw.forEach((item, i) => {
    const at = (path: Array<string | number>): Array<string | number> => ['also', i, ...path];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      f.report.error(at([]), 'GL_E_TYPE', 'each entry of also is a mapping: zone, zone_size, rate, burst, nodelay or delay');
      return;
    }
    const report: ConfigReporter = { error: (path, ...rest) => f.report.error(at(path), ...rest), warn: (path, ...rest) => f.report.warn(at(path), ...rest) };
    const g = new Fields(item as Record<string, unknown>, report);
    checkUnknown(g, ALSO_FIELDS, 'a limit_req line in also (key and status belong to the whole plugin)');
    const zone = parseNginxZone(g, true);
    if (seen.has(zone.limit.zone)) g.report.error(['zone'], 'GL_E_CONFIG_INVALID', `zone "${zone.limit.zone}" is already limited here: nginx refuses a location that names a zone twice`);
    seen.add(zone.limit.zone);
    out.push(zone);
  });
  return out;
}

function parseGcra(f: Fields, key: KeySpec): GcraFlavourConfig {
  checkUnknown(f, [...COMMON, ...ALGORITHM_FIELDS.gcra], 'algorithm gcra');
  const limit = f.required('limit', { integer: true, above: 0 }, 'requests per period, e.g. limit: 10') ?? 1;
  const periodMs = f.duration('period') ?? 1000;
  // Whole ms keep GCRA's scaled arithmetic exact (math/gcra.ts).
  if (!(periodMs > 0) || !Number.isInteger(periodMs)) f.report.error(['period'], 'GL_E_CONFIG_INVALID', 'period must be a whole number of milliseconds greater than 0');
  const burst = f.number('burst', { integer: true, min: 0 }) ?? 0;
  return { algorithm: 'gcra', key, gcra: { limit, periodMs: periodMs > 0 && Number.isInteger(periodMs) ? periodMs : 1000, burst }, status: readStatus(f, 'status', 429) };
}
