/**
 * Tiny pure path helpers with posix separators. The loader runs in a browser too, so it cannot lean on
 * node:path; scenario-relative paths are all it needs.
 */

/** The directory part of a path ('' for a bare file name). Backslashes count as separators too. */
export function dirnameOf(path: string): string {
  const p = path.replace(/\\/g, '/');
  const at = p.lastIndexOf('/');
  if (at < 0) return '';
  if (at === 0) return '/';
  return p.slice(0, at);
}

/** Resolves `rel` against directory `dir`, folding '.' and '..'; an absolute `rel` wins. */
export function joinPath(dir: string, rel: string): string {
  const r = rel.replace(/\\/g, '/');
  if (r.startsWith('/') || dir === '') return normalizePath(r);
  return normalizePath(`${dir.replace(/\\/g, '/')}/${r}`);
}

export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    // '..' only cancels a real segment; above the start it is kept, so relative paths stay relative.
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part === '..' && absolute) continue;
    else out.push(part);
  }
  const joined = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
