/**
 * An upstream answer's header lines as the HeaderMap the pipeline reads: lower-case names, a repeated
 * header grouped at its first line, in the order undici's `request()` gave them (its parseHeaders,
 * an object keyed by name), hop-by-hop lines removed.
 */
import { util as undiciUtil } from 'undici';
import { HeaderMap } from '../../pipeline/headers.ts';
import { HOP_BY_HOP_ALWAYS_SET, parseConnectionTokens, stripHopByHop } from '../../net/hop-by-hop.ts';

export function responseHeaders(rawHeaders: readonly Buffer[]): HeaderMap {
  // Straight into the map when no name repeats and none starts with a digit (an object key like
  // "1" would sort first): the grouping object and a second lower-casing per line are skipped.
  // Hop-by-hop lines are left out as the walk meets them, which keeps the same lines in the same
  // order as stripHopByHop after the walk: that removes the names the Connection lines list and then
  // the always-stripped set, and the rest keep their order. Deleting afterwards cost a scan, a copy
  // of the lines and two arrays on nearly every answer (most carry `Connection: keep-alive`).
  const headers = new HeaderMap();
  let connection: string[] | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = undiciUtil.headerNameToString(rawHeaders[i] as Buffer);
    const first = lower.charCodeAt(0);
    if ((first >= 48 && first <= 57) || seenBefore(headers, lower)) return groupedHeaders(rawHeaders);
    if (HOP_BY_HOP_ALWAYS_SET.has(lower)) {
      // `keep-alive` names a line that is always stripped anyway: nothing more to remove for it.
      if (lower === 'connection') {
        const value = (rawHeaders[i + 1] as Buffer).toString('latin1');
        if (value !== 'keep-alive') (connection ??= []).push(value);
      }
      continue;
    }
    headers.appendLine(lower, lower, valueOf(lower, rawHeaders[i + 1] as Buffer));
  }
  if (connection !== undefined) for (const name of parseConnectionTokens(connection)) headers.delete(name);
  return headers;
}

/**
 * The last value read per header name. An upstream repeats most of its answer's values (Server,
 * Content-Type, Content-Length, Date within a second): comparing the bytes with the last string
 * costs less than decoding a new one (a call into C++ and a string each), and hands the pipeline the
 * same string object again. Bounded: upstreams choose their header names.
 */
const lastValues = new Map<string, string>();
const LAST_VALUES_LIMIT = 64;
/** Longer values are decoded as they come: comparing them byte by byte would cost more than decoding. */
const REMEMBERED_VALUE_MAX = 64;

/** The value's bytes read as Latin-1 (one character per byte), reusing the last string when the bytes are the same. */
function valueOf(lower: string, bytes: Buffer): string {
  const length = bytes.length;
  if (length > REMEMBERED_VALUE_MAX) return bytes.toString('latin1');
  const last = lastValues.get(lower);
  if (last !== undefined && last.length === length) {
    let i = 0;
    while (i < length && last.charCodeAt(i) === bytes[i]) i++;
    if (i === length) return last;
  }
  const value = bytes.toString('latin1');
  if (last === undefined && lastValues.size >= LAST_VALUES_LIMIT) lastValues.clear();
  lastValues.set(lower, value);
  return value;
}

function seenBefore(headers: HeaderMap, lower: string): boolean {
  for (let j = 0; j < headers.size; j++) if (headers.lowerAt(j) === lower) return true;
  return false;
}

/** The general case: grouped exactly as undici's parseHeaders groups them, then one line per value. */
export function groupedHeaders(rawHeaders: readonly Buffer[]): HeaderMap {
  const grouped = undiciUtil.parseHeaders(rawHeaders as Buffer[]) as Record<string, string | string[] | undefined>;
  const headers = new HeaderMap();
  for (const name in grouped) {
    const value = grouped[name];
    if (value === undefined) continue;
    if (typeof value === 'string') headers.append(name, value);
    else for (const one of value) headers.append(name, one);
  }
  stripHopByHop(headers);
  return headers;
}
