/**
 * The lab's mode in the URL's query (?mode=exercises), beside the hash the player owns, so a reload
 * or a shared link opens the same mode. The default mode is left out of the URL.
 */

/** The mode the URL names when it is one of `known`, else `fallback`. */
export function modeFromSearch(search: string, known: readonly string[], fallback: string): string {
  const asked = new URLSearchParams(search).get('mode');
  return asked !== null && known.includes(asked) ? asked : fallback;
}

/** The query with `mode` set (or removed for the default); other parameters are kept, `exercise` only in its mode. */
export function searchWithMode(search: string, mode: string, fallback: string): string {
  const params = new URLSearchParams(search);
  if (mode === fallback) params.delete('mode');
  else params.set('mode', mode);
  if (mode !== 'exercises') params.delete('exercise');
  const text = params.toString();
  return text ? `?${text}` : '';
}
