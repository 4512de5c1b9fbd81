/**
 * An upstream answer's header lines as the HeaderMap the pipeline reads: lower-case names, a repeated
 * header grouped at its first line, in the order undici's `request()` gave them (its parseHeaders,
 * an object keyed by name), hop-by-hop lines removed.
 */
import { util as undiciUtil } from 'undici';
import { HeaderMap } from '../../pipeline/headers.ts';
import { stripHopByHop } from '../../net/hop-by-hop.ts';

export function responseHeaders(rawHeaders: readonly Buffer[]): HeaderMap {
  // Straight into the map when no name repeats and none starts with a digit (an object key like
  // "1" would sort first): the grouping object and a second lower-casing per line are skipped.
  const headers = new HeaderMap();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = undiciUtil.headerNameToString(rawHeaders[i] as Buffer);
    const first = lower.charCodeAt(0);
    if ((first >= 48 && first <= 57) || seenBefore(headers, lower)) return groupedHeaders(rawHeaders);
    headers.appendLine(lower, lower, (rawHeaders[i + 1] as Buffer).toString('latin1'));
  }
  stripHopByHop(headers);
  return headers;
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
