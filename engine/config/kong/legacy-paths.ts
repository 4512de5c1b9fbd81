/**
 * Files written for Kong 1.x/2.x (`_format_version` "1.1" or "2.1") are migrated on load by Kong 3.x
 * (kong/db/declarative/migrations/route_path.lua): a path made only of plain URL characters is
 * normalised, any other path is taken to be a regex and gets the `~` that 3.x requires. The migration
 * walks the top-level `routes` list only; a route nested in a service is not rewritten.
 */
import type { JsonPath } from '../yaml-source.ts';
import { normalizeKongPath } from '../../routing/kong-uri.ts';
import type { AdaptContext, EntityNode } from './context.ts';

const PLAIN_PATH = /^[a-zA-Z0-9.\-_~/%]*$/;
const RESERVED_BYTES = new Set([0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2f, 0x3a, 0x3b, 0x3d, 0x3f, 0x40, 0x5b, 0x5d]);
const REGEX_META_BYTES = new Set([0x2e, 0x5e, 0x2d, 0x7b, 0x7d, 0x5c, 0x7c]);

export function migrateLegacyPath(ctx: AdaptContext, node: EntityNode, where: JsonPath, path: string, version: string | undefined): string {
  if (version !== '1.1' && version !== '2.1') return path;
  if (path.startsWith('~')) return path;
  const plain = PLAIN_PATH.test(path);
  if (node.parent) {
    if (!plain) {
      ctx.warn(
        node.doc,
        where,
        'GL_W_NO_EFFECT',
        `"${path}" of ${node.label} looks like a ${version} regex, but Kong 3.x migrates top-level routes only, so this nested path stays a plain prefix`,
        `write it as "~${path}" if it is meant as a regex`,
      );
    }
    return path;
  }
  const migrated = plain ? normalizeKongPath(path) : `~${normalizeLegacyRegex(path)}`;
  if (migrated !== path) {
    ctx.warn(
      node.doc,
      where,
      'GL_W_DEPRECATED',
      `format ${version}: Kong 3.x reads path "${path}" of ${node.label} as "${migrated}"`,
      `set _format_version: "3.0" and write "${migrated}"`,
    );
  }
  return migrated;
}

/** Percent-decoding for a legacy regex: reserved stays encoded, regex metacharacters come back escaped. */
function normalizeLegacyRegex(regex: string): string {
  return regex.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
    const n = parseInt(hex, 16);
    if (RESERVED_BYTES.has(n)) return m.toUpperCase();
    const ch = String.fromCharCode(n);
    return REGEX_META_BYTES.has(n) ? `\\${ch}` : ch;
  });
}
