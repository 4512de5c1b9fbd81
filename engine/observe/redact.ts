/**
 * Credentials never reach a log line or the live trace. Header values of Authorization,
 * Proxy-Authorization, Cookie, Set-Cookie and API-key headers, and the values of API-key query
 * parameters, become "[redacted]" wherever the trace carries a URL, a path, a header record or a
 * decision's reason quoting a URL.
 * Which names count as API keys: the common spellings below plus every name a key-auth instance
 * (`key_names`) or a jwt instance (`uri_param_names`, `cookie_names`) of the loaded config reads.
 */
import type { GatewayIR } from '../config/ir.ts';
import type { HeaderRecord, TraceEvent } from '../trace/events.ts';

export const REDACTED = '[redacted]';

/** Always treated as credentials, lower case. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'apikey', 'api-key'];
const CREDENTIAL_PARAMS = ['apikey', 'api_key', 'api-key', 'access_token', 'jwt'];

export interface SecretNames {
  /** Lower-case header names whose values are hidden. */
  headers: ReadonlySet<string>;
  /** Lower-case query parameter names whose values are hidden. */
  params: ReadonlySet<string>;
}

export const DEFAULT_SECRET_NAMES: SecretNames = { headers: new Set(CREDENTIAL_HEADERS), params: new Set(CREDENTIAL_PARAMS) };

function stringList(config: unknown, field: string): string[] {
  const v = (config as Record<string, unknown> | null | undefined)?.[field];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The default names plus the key and token names the config's auth plugins read. */
export function secretNamesOf(ir: Pick<GatewayIR, 'plugins'>): SecretNames {
  const headers = new Set(CREDENTIAL_HEADERS);
  const params = new Set(CREDENTIAL_PARAMS);
  for (const p of ir.plugins) {
    if (p.plugin === 'key-auth') {
      // Kong reads a key name from the header, the query and the body alike.
      for (const name of stringList(p.config, 'key_names')) {
        headers.add(name.toLowerCase());
        params.add(name.toLowerCase());
      }
    } else if (p.plugin === 'jwt') {
      for (const name of stringList(p.config, 'uri_param_names')) params.add(name.toLowerCase());
      for (const name of stringList(p.config, 'header_names')) headers.add(name.toLowerCase());
    }
  }
  return { headers, params };
}

/** A path or URL with the values of secret query parameters replaced; everything else kept byte for byte. */
export function redactQuery(url: string, names: SecretNames = DEFAULT_SECRET_NAMES): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  // The proxy asks twice per request and almost no query names a secret: finding that out pair by
  // pair saves the split, the array of pairs and a closure per call.
  if (!namesSecretParam(url, q + 1, hash < 0 ? url.length : hash, names)) return url;
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const kept = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    if (!isSecretParam(rawName, names)) return pair;
    changed = true;
    return `${rawName}=${REDACTED}`;
  });
  if (!changed) return url;
  return `${url.slice(0, q + 1)}${kept.join('&')}${hash < 0 ? '' : url.slice(hash)}`;
}

const AMPERSAND = 38;
const EQUALS = 61;

/** Whether a pair of `url` between `from` and `end` (split on `&`, name before the first `=`) names a secret. */
function namesSecretParam(url: string, from: number, end: number, names: SecretNames): boolean {
  let start = from;
  let nameEnd = -1;
  // `end` stands for one more `&`, so the last pair is checked like the others.
  for (let i = from; i <= end; i++) {
    const c = i < end ? url.charCodeAt(i) : AMPERSAND;
    if (c === EQUALS) {
      if (nameEnd < 0) nameEnd = i;
    } else if (c === AMPERSAND) {
      if (isSecretParam(url.slice(start, nameEnd < 0 ? i : nameEnd), names)) return true;
      start = i + 1;
      nameEnd = -1;
    }
  }
  return false;
}

/** A raw parameter name as the query decodes it (`+` is a space), compared case-insensitively. */
function isSecretParam(rawName: string, names: SecretNames): boolean {
  let name = rawName;
  if (rawName.includes('%') || rawName.includes('+')) {
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // A broken escape: compare the name as written.
    }
  }
  return names.params.has(name.toLowerCase());
}

/** What may not appear in a parameter name in free text (the name part of redactText's pattern). */
const NOT_NAME_CHAR = /[=&\s#?]/;

/**
 * Whether `text` may hold a secret parameter: some `=` preceded by a run of name characters that
 * follows `?` or `&` and names a secret. Every name the pattern in redactText matches is such a run,
 * so when this says no, redactText would change nothing.
 */
function mayHoldSecretParam(text: string, names: SecretNames): boolean {
  for (let eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
    let start = eq;
    while (start > 0 && !NOT_NAME_CHAR.test(text[start - 1] as string)) start--;
    if (start === eq || start === 0) continue;
    const before = text.charCodeAt(start - 1);
    if ((before === 63 /* ? */ || before === AMPERSAND) && names.params.has(text.slice(start, eq).toLowerCase())) return true;
  }
  return false;
}

/** Free text (a decision's reason quoting a URL) with the values of secret query parameters replaced. */
export function redactText(text: string, names: SecretNames = DEFAULT_SECRET_NAMES): string {
  if (!text.includes('?')) return text;
  // Reasons that quote a URL come with every request; the replace below copied each one even when
  // nothing in it was secret.
  if (!mayHoldSecretParam(text, names)) return text;
  return text.replace(/([?&])([^=&\s#?]+)=([^&\s#]*)/g, (whole: string, sep: string, name: string) =>
    names.params.has(name.toLowerCase()) ? `${sep}${name}=${REDACTED}` : whole,
  );
}

/** A header record with credential values replaced (repeated headers keep their count). */
export function redactHeaderRecord(headers: HeaderRecord, names: SecretNames = DEFAULT_SECRET_NAMES): HeaderRecord {
  const out: HeaderRecord = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!names.headers.has(name.toLowerCase())) out[name] = value;
    else out[name] = Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
  }
  return out;
}

/** The event as logs and the live stream may show it: the same object when nothing in it needs hiding. */
export function redactTraceEvent(event: TraceEvent, names: SecretNames = DEFAULT_SECRET_NAMES): TraceEvent {
  switch (event.type) {
    case 'request.start': {
      const url = redactQuery(event.url, names);
      if (url === event.url && !event.headers) return event;
      return { ...event, url, ...(event.headers ? { headers: redactHeaderRecord(event.headers, names) } : {}) };
    }
    case 'upstream.send': {
      const path = redactQuery(event.path, names);
      if (path === event.path && !event.headers) return event;
      return { ...event, path, ...(event.headers ? { headers: redactHeaderRecord(event.headers, names) } : {}) };
    }
    case 'request.end':
      return event.headers ? { ...event, headers: redactHeaderRecord(event.headers, names) } : event;
    case 'plugin.decision': {
      const reason = redactText(event.reason, names);
      return reason === event.reason ? event : { ...event, reason };
    }
    default:
      return event;
  }
}
