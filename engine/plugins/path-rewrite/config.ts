/**
 * Config of the path-rewrite plugin: one of Traefik's five path middlewares, with Traefik's field
 * names under the middleware's own name, exactly as a Middleware's spec writes them:
 *
 *   { stripPrefix: { prefixes: [/api], forceSlash: false } }
 *   { stripPrefixRegex: { regex: ["/api/v[0-9]+"] } }
 *   { replacePath: { path: /new } }
 *   { replacePathRegex: { regex: "^/old/(.*)", replacement: "/new/$1" } }
 *   { addPrefix: { prefix: /v2 } }
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { compileGoRegex } from '../../routing/traefik-regex.ts';

export type PathRewriteConfig =
  | { type: 'stripPrefix'; /** Tried in order; the first the path starts with is removed. */ prefixes: string[]; /** Deprecated v2 behaviour: always a single leading slash. */ forceSlash: boolean }
  | { type: 'stripPrefixRegex'; /** Go regular expressions; the first matching prefix is removed. */ regex: string[] }
  | { type: 'replacePath'; /** The new (escaped) path. */ path: string }
  | { type: 'replacePathRegex'; /** Matched against the escaped path. */ regex: string; /** Go template: $1, ${name}. */ replacement: string }
  | { type: 'addPrefix'; /** Put in front of the path; must not be empty. */ prefix: string };

export const PATH_REWRITE_TYPES = ['stripPrefix', 'stripPrefixRegex', 'replacePath', 'replacePathRegex', 'addPrefix'] as const;

function checkRegex(r: ConfigReader, key: string | Array<string | number>, pattern: string): void {
  const c = compileGoRegex(pattern.trim());
  if (!c.ok) r.error(key, `invalid regular expression ${JSON.stringify(pattern)}: ${c.error}`, 'Go (RE2) syntax: no look-around, no backreferences');
}

export function parsePathRewriteConfig(raw: unknown, report: ConfigReporter): PathRewriteConfig {
  const top = new ConfigReader(raw, report, PATH_REWRITE_TYPES, [], 'path-rewrite');
  const types = PATH_REWRITE_TYPES.filter((t) => top.has(t));
  if (types.length !== 1) {
    report.error([], 'GL_E_CONFIG_INVALID', types.length === 0 ? `path-rewrite needs one of ${PATH_REWRITE_TYPES.join(', ')}` : `path-rewrite takes one of ${types.join(', ')}, not several`);
    return { type: 'addPrefix', prefix: '' };
  }
  const type = types[0] as (typeof PATH_REWRITE_TYPES)[number];
  switch (type) {
    case 'stripPrefix': {
      const r = top.sub(type, ['prefixes', 'forceSlash']);
      const forceSlash = r.optBool('forceSlash');
      if (forceSlash !== undefined) r.warn('forceSlash', 'GL_W_DEPRECATED', 'forceSlash is deprecated; Traefik logs a warning and will remove it');
      const prefixes = r.strList('prefixes', []);
      if (prefixes.length === 0) r.warn('prefixes', 'GL_W_NO_EFFECT', 'no prefixes: the middleware changes nothing');
      return { type, prefixes, forceSlash: forceSlash ?? false };
    }
    case 'stripPrefixRegex': {
      const r = top.sub(type, ['regex']);
      const regex = r.strList('regex', []);
      regex.forEach((p, i) => checkRegex(r, ['regex', i], p));
      return { type, regex };
    }
    case 'replacePath': {
      const r = top.sub(type, ['path']);
      return { type, path: r.str('path', '') };
    }
    case 'replacePathRegex': {
      const r = top.sub(type, ['regex', 'replacement']);
      const regex = r.str('regex', '');
      checkRegex(r, 'regex', regex);
      return { type, regex, replacement: r.str('replacement', '') };
    }
    case 'addPrefix': {
      const r = top.sub(type, ['prefix']);
      const prefix = r.str('prefix', '');
      if (prefix === '') r.error('prefix', 'prefix cannot be empty (Traefik refuses the middleware)');
      return { type, prefix };
    }
  }
}
