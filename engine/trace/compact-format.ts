/**
 * The compact trace format (issue #9, ADR 0002's ninth pass): the tags, the fixed key dictionary and
 * the key checks the hot event types' fast paths rely on. compact-hash.ts writes it; the grammar:
 *
 *   value  := NULL | FALSE | TRUE | INT i32le | F64 f64le | string | ARR value* END | OBJ entry* END
 *   entry  := (KEY_BASE+dictIndex | string) value   — a key from the fixed dictionary (one byte), or any string
 *   string := STR utf8bytes 0xFF                    — 0xFF never occurs in UTF-8 (nor in WTF-8)
 *   event  := OBJ entry* END                        — a top-level `type` value from the dictionary: TYPE dictIndex
 *
 * It is prefix-free, so it decodes (compact-hash.test.ts carries a decoder): two different event
 * sequences never give the same bytes. Lone surrogates are WTF-8 (ED A0..BF xx), not U+FFFD, so
 * '\ud800' and '\ufffd' differ. The dictionary and the tag values are part of the format: every
 * pinned hash depends on them.
 */
export const NULL = 0x00;
export const FALSE = 0x01;
export const TRUE = 0x02;
export const INT = 0x03;
export const F64 = 0x04;
export const STR = 0x05;
/* 0x06 is reserved: the prototype's REF (interned strings), dropped (see compact-hash.ts). */
export const ARR = 0x07;
export const OBJ = 0x08;
export const END = 0x09;
export const TYPE = 0x0a;
/** A dictionary key is one byte: KEY_BASE + its index (tags above, 0xFF below: no overlap). */
export const KEY_BASE = 0x20;
export const STR_END = 0xff;

/**
 * The fixed dictionary: every key of every event type in events.ts, then the event types. Part of
 * the format: appending keeps old streams' meaning, reordering does not.
 */
export const COMPACT_DICTIONARY = [
  'type', 't', 'req', 'plugin', 'phase', 'verdict', 'reason', 'status', 'data', 'client', 'replica', 'method',
  'url', 'peerIp', 'headers', 'service', 'target', 'host', 'path', 'ms', 'error', 'source', 'route', 'gatewayMs',
  'upstreamMs', 'body', 'scenario', 'variant', 'seed', 'start', 'dialect', 'routes', 'plugins', 'kind', 'detail',
  'text', 'effect', 'ok', 'cpuWaitMs', 'cpuMs', 'oomKilled', 'name', 'traceId', 'spanId', 'parentId',
  'attributes', 'ahead', 'outcome', 'state', 'machine', 'subject', 'from', 'to', 'at', 'weight', 'slots',
  'queued', 'cpu', 'cpuBacklogMs', 'memory', 'requests',
  'run.start', 'config.load', 'scenario.event', 'narration', 'request.start', 'plugin.decision', 'effect.start',
  'effect.end', 'upstream.send', 'upstream.response', 'copy.end', 'request.end', 'breaker.transition',
  'replica.queue', 'slot.wait', 'span', 'plugin.state', 'run.end',
] as const;
export const DICT = new Map<string, number>(COMPACT_DICTIONARY.map((k, i) => [k, i]));
const d = (k: (typeof COMPACT_DICTIONARY)[number]): number => DICT.get(k) as number;

export const K_TYPE = d('type');
export const K_T = d('t');
export const K_REQ = d('req');
export const K_PLUGIN = d('plugin');
export const K_PHASE = d('phase');
export const K_VERDICT = d('verdict');
export const K_REASON = d('reason');
export const K_STATUS = d('status');
export const K_DATA = d('data');
export const K_CLIENT = d('client');
export const K_REPLICA = d('replica');
export const K_METHOD = d('method');
export const K_URL = d('url');
export const K_PEER = d('peerIp');
export const K_HEADERS = d('headers');
export const K_SERVICE = d('service');
export const K_TARGET = d('target');
export const K_HOST = d('host');
export const K_PATH = d('path');
export const K_MS = d('ms');
export const K_ERROR = d('error');
export const K_SOURCE = d('source');
export const K_ROUTE = d('route');
export const K_GATEWAY_MS = d('gatewayMs');
export const K_UPSTREAM_MS = d('upstreamMs');
export const K_BODY = d('body');
/** Dictionary entries from here on are event types: a top-level `type` value among them is TYPE i. */
export const FIRST_TYPE = d('run.start');
export const T_DECISION = d('plugin.decision');
export const T_START = d('request.start');
export const T_END = d('request.end');
export const T_SEND = d('upstream.send');
export const T_RESPONSE = d('upstream.response');

/** The key lists the fast paths accept, in order; `?` marks a key that may be missing. */
// plugin.decision: type t req plugin phase verdict reason status? data? (decisionKeysMatch)
const START_KEYS = ['type', 't', 'req', 'client', 'replica', 'method', 'url', 'peerIp', 'headers?'];
// request.end: type t req client replica status source route service ms gatewayMs upstreamMs headers? body? (requestEndKeysMatch)
const SEND_KEYS = ['type', 't', 'req', 'service', 'target', 'method', 'host', 'path', 'headers?'];
const RESPONSE_KEYS = ['type', 't', 'req', 'status', 'ms', 'error?'];

export interface KeyList { names: string[]; optional: boolean[] }
const keyList = (keys: string[]): KeyList => ({
  names: keys.map((k) => k.replace('?', '')),
  optional: keys.map((k) => k.endsWith('?')),
});
export const START = keyList(START_KEYS);
export const SEND = keyList(SEND_KEYS);
export const RESPONSE = keyList(RESPONSE_KEYS);

/**
 * True when the object's enumerable keys (for-in: own then inherited, so an inherited one fails the
 * check) are `list` in order, optional ones possibly missing. for-in over a fast object reads V8's
 * enum cache: no array is allocated, unlike Object.keys.
 */
export function keysMatch(e: object, list: KeyList): boolean {
  const { names, optional } = list;
  let i = 0;
  for (const k in e) {
    while (i < names.length && names[i] !== k && optional[i]) i++;
    if (i === names.length || names[i] !== k) return false;
    i++;
  }
  for (; i < names.length; i++) if (!optional[i]) return false;
  return true;
}

/**
 * keysMatch(e, DECISION) written out for the commonest event (71 % of them at `decisions`): no loads
 * from the key tables, one comparison with a constant per key.
 */
export function decisionKeysMatch(e: object): boolean {
  let i = 0;
  for (const k in e) {
    switch (i) {
      case 0: if (k !== 'type') return false; break;
      case 1: if (k !== 't') return false; break;
      case 2: if (k !== 'req') return false; break;
      case 3: if (k !== 'plugin') return false; break;
      case 4: if (k !== 'phase') return false; break;
      case 5: if (k !== 'verdict') return false; break;
      case 6: if (k !== 'reason') return false; break;
      case 7:
        if (k === 'data') i = 8;
        else if (k !== 'status') return false;
        break;
      case 8: if (k !== 'data') return false; break;
      default: return false;
    }
    i++;
  }
  return i >= 7;
}

/** keysMatch(e, END_LIST) written out: request.end is the second commonest event (14 %), 12–14 keys. */
export function requestEndKeysMatch(e: object): boolean {
  let i = 0;
  for (const k in e) {
    switch (i) {
      case 0: if (k !== 'type') return false; break;
      case 1: if (k !== 't') return false; break;
      case 2: if (k !== 'req') return false; break;
      case 3: if (k !== 'client') return false; break;
      case 4: if (k !== 'replica') return false; break;
      case 5: if (k !== 'status') return false; break;
      case 6: if (k !== 'source') return false; break;
      case 7: if (k !== 'route') return false; break;
      case 8: if (k !== 'service') return false; break;
      case 9: if (k !== 'ms') return false; break;
      case 10: if (k !== 'gatewayMs') return false; break;
      case 11: if (k !== 'upstreamMs') return false; break;
      case 12:
        if (k === 'body') i = 13;
        else if (k !== 'headers') return false;
        break;
      case 13: if (k !== 'body') return false; break;
      default: return false;
    }
    i++;
  }
  return i >= 12;
}


// --- leaves the writer needs -----------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
type WellFormed = { isWellFormed?: () => boolean };
/**
 * ES2024's isWellFormed where the runtime has it (Node 20 does): native, and at once true for a
 * one-byte string, where the regex scans every character (a quarter of the war story's reasons are
 * non-ASCII one-byte strings: "12:00:00–12:00:01").
 */
export const hasLoneSurrogate: (s: string) => boolean =
  typeof ('' as WellFormed).isWellFormed === 'function' ? (s) => !(s as WellFormed).isWellFormed!() : (s) => LONE_SURROGATE.test(s);
const encoder = new TextEncoder();

export function isPlain(v: object): boolean {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null || (Array.isArray(v) && proto === Array.prototype);
}

export function stringBytes(s: string): Uint8Array {
  return hasLoneSurrogate(s) ? wtf8(s) : encoder.encode(s);
}

/** UTF-8 that keeps a lone surrogate as its own three bytes (WTF-8) instead of U+FFFD. */
export function wtf8(s: string): Uint8Array {
  const out = new Uint8Array(3 * s.length);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out[o++] = c;
    else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 0x3f);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, o);
}

