/**
 * Reading what the upstream says a request cost: Kong's `parse_header` (header_filter.lua). The value
 * is `name=units[, name=units]`; each part is split on `=` and kept only when it has exactly two
 * pieces, names a configured limit (exact, case-sensitive) and its units read as a Lua number.
 * Everything else is dropped without a word — a typo in the upstream's header silently costs nothing.
 */

/** Lua's whitespace class (`%s`), which kong.tools.string.strip removes. */
const LUA_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^[+-]?0[xX][0-9a-fA-F]+$/;

export function luaStrip(text: string): string {
  return text.replace(LUA_SPACE, '');
}

/**
 * LuaJIT's `tonumber` on an already stripped string: decimal (with fraction and exponent) or hex;
 * anything else is nil. (LuaJIT also reads `inf`/`nan`; gatelab treats them as malformed.)
 */
export function luaToNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  if (HEX.test(text)) {
    const negative = text.startsWith('-');
    const digits = text.replace(/^[+-]?0[xX]/, '');
    const n = parseInt(digits, 16);
    return negative ? -n : n;
  }
  return undefined;
}

export interface ParsedIncrements {
  /** Limit name → units to add (negative refunds); only configured names. */
  increments: Map<string, number>;
  /** Parts that were dropped and why, for the trace. */
  ignored: string[];
}

/**
 * Parses the first value of the header (kong.service.response.get_header returns only the first
 * occurrence). A name given twice keeps its last reading — even a malformed one, which erases the
 * earlier good one (Lua assigns nil).
 */
export function parseIncrements(value: string | undefined, limitNames: readonly string[]): ParsedIncrements {
  const increments = new Map<string, number>();
  const ignored: string[] = [];
  if (value === undefined) return { increments, ignored };
  for (const part of value.split(',')) {
    const pieces = part.split('=');
    if (pieces.length !== 2) {
      if (luaStrip(part) !== '') ignored.push(`'${luaStrip(part)}' (not name=units)`);
      continue;
    }
    const name = luaStrip(pieces[0] as string);
    if (!limitNames.includes(name)) {
      ignored.push(`'${name}' (no such limit)`);
      continue;
    }
    const units = luaToNumber(luaStrip(pieces[1] as string));
    if (units === undefined) {
      increments.delete(name);
      ignored.push(`'${luaStrip(part)}' (units are not a number)`);
      continue;
    }
    increments.set(name, units);
  }
  return { increments, ignored };
}
