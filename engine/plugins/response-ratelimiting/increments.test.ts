import { describe, expect, it } from 'vitest';
import { luaToNumber, parseIncrements } from './increments.ts';

const LIMITS = ['video', 'image'];
const inc = (value: string | undefined) => Object.fromEntries(parseIncrements(value, LIMITS).increments);

describe('kong/plugins/response-ratelimiting/header_filter.lua parse_header', () => {
  it('reads name=units pairs separated by commas, whitespace stripped', () => {
    expect(inc('video=2, image=1')).toEqual({ video: 2, image: 1 });
    expect(inc('  video =  3 ,image=4\t')).toEqual({ video: 3, image: 4 });
  });

  it('no header, an empty one: nothing to count', () => {
    expect(inc(undefined)).toEqual({});
    expect(inc('')).toEqual({});
  });

  it('ignores names that are not configured limits (exact, case-sensitive)', () => {
    const r = parseIncrements('Video=1, audio=2, image=1', LIMITS);
    expect(Object.fromEntries(r.increments)).toEqual({ image: 1 });
    expect(r.ignored).toEqual(["'Video' (no such limit)", "'audio' (no such limit)"]);
  });

  it('ignores malformed parts as Kong does: no =, two =, units that are not a number', () => {
    expect(inc('video')).toEqual({});
    expect(inc('video=1=2, image=1')).toEqual({ image: 1 });
    expect(inc('video=abc, image=1')).toEqual({ image: 1 });
    expect(inc('video=, image=')).toEqual({});
    expect(inc('video=2;image=1')).toEqual({});
  });

  it('a name given twice keeps the last reading; a malformed last reading erases the good one (Lua assigns nil)', () => {
    expect(inc('video=1, video=3')).toEqual({ video: 3 });
    expect(inc('video=1, video=x')).toEqual({});
  });

  it('units are Lua numbers: negative (a refund), fractional, exponent, hex', () => {
    expect(inc('video=-2, image=0.5')).toEqual({ video: -2, image: 0.5 });
    expect(inc('video=1e2, image=0x10')).toEqual({ video: 100, image: 16 });
  });

  it('luaToNumber rejects what LuaJIT tonumber rejects (and, in gatelab, inf/nan)', () => {
    for (const bad of ['', '1.2.3', '1e', '0x', '12abc', 'inf', 'nan', '--1']) expect(luaToNumber(bad), bad).toBeUndefined();
    expect(luaToNumber('5.')).toBe(5);
    expect(luaToNumber('.5')).toBe(0.5);
    expect(luaToNumber('-0x1F')).toBe(-31);
  });
});
