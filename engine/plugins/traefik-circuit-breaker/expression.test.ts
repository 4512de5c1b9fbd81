import { describe, expect, it } from 'vitest';
import { evaluate, explain, parseTraefikCbExpression, type CbExpr, type MetricsView } from './expression.ts';

const ok = (text: string): CbExpr => {
  const r = parseTraefikCbExpression(text);
  if (!r.ok) throw new Error(`${text}: column ${r.offset + 1}: ${r.message}`);
  return r.ast;
};

const err = (text: string): { offset: number; message: string } => {
  const r = parseTraefikCbExpression(text);
  if (r.ok) throw new Error(`${text} should not parse`);
  return r;
};

/** A view with fixed answers that counts what it was asked. */
function view(v: { ner?: number; rcr?: number; lat?: number }): MetricsView & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    networkErrorRatio: () => (asked.push('ner'), v.ner ?? 0),
    responseCodeRatio: (a, b, c, d) => (asked.push(`rcr(${a},${b},${c},${d})`), v.rcr ?? 0),
    latencyAtQuantileMs: (q) => (asked.push(`lat(${q})`), v.lat ?? 0),
  };
}

describe('circuitBreaker expression parsing (semantics §4 / Traefik circuitBreaker; vulcand/oxy cbreaker/predicates.go)', () => {
  it('reads the three examples of the Traefik docs', () => {
    expect(ok('LatencyAtQuantileMS(50.0) > 100')).toMatchObject({ kind: 'compare', op: '>', value: 100, metric: { fn: 'LatencyAtQuantileMS', quantile: 50, type: 'int' } });
    expect(ok('NetworkErrorRatio() > 0.30')).toMatchObject({ kind: 'compare', value: 0.3, valueText: '0.30', metric: { fn: 'NetworkErrorRatio', text: 'NetworkErrorRatio()' } });
    expect(ok('ResponseCodeRatio(500, 600, 0, 600) > 0.25')).toMatchObject({ metric: { fn: 'ResponseCodeRatio', args: [500, 600, 0, 600], text: 'ResponseCodeRatio(500, 600, 0, 600)' } });
    expect(ok('ResponseCodeRatio(500, 600, 0, 600) > 0.30 || NetworkErrorRatio() > 0.10')).toMatchObject({ kind: 'or' });
  });

  it('uses Go precedence: && binds tighter than ||, parentheses override, all six comparisons', () => {
    expect(ok('NetworkErrorRatio() > 0.5 || NetworkErrorRatio() < 0.1 && LatencyAtQuantileMS(99.0) >= 10')).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    expect(ok('(NetworkErrorRatio() > 0.5 || NetworkErrorRatio() < 0.1) && LatencyAtQuantileMS(99.0) >= 10')).toMatchObject({ kind: 'and', left: { kind: 'or' } });
    for (const op of ['>', '>=', '<', '<=', '==', '!=']) expect(ok(`NetworkErrorRatio()${op}0.5`)).toMatchObject({ op });
  });

  it('takes Go number literals as Go does: .5, 5., 1e-1 are floats; an octal 0500 is read by Atoi as 500; a trailing comma is allowed', () => {
    expect(ok('NetworkErrorRatio() > .5')).toMatchObject({ value: 0.5 });
    expect(ok('NetworkErrorRatio() > 1.')).toMatchObject({ value: 1 });
    expect(ok('NetworkErrorRatio() > 1e-1')).toMatchObject({ value: 0.1 });
    expect(ok('ResponseCodeRatio(0500, 0600, 0, 0600,) > 0.5')).toMatchObject({ metric: { args: [500, 600, 0, 600] } });
  });

  it('a ratio compared with an integer is rejected, as Traefik rejects `NetworkErrorRatio() > 1` ("expected int, got int")', () => {
    const e = err('NetworkErrorRatio() > 1');
    expect(e.offset).toBe(22);
    expect(e.message).toContain('such as 1.0');
    expect(e.message).toContain('(Traefik: expected int, got int)');
  });

  it('LatencyAtQuantileMS wants a float quantile and an integer threshold', () => {
    expect(err('LatencyAtQuantileMS(50) > 100')).toMatchObject({ offset: 20, message: expect.stringContaining('reflect: Call using int as type float64') });
    expect(err('LatencyAtQuantileMS(50.0) > 100.0')).toMatchObject({ offset: 28, message: expect.stringContaining('whole milliseconds as an int') });
    expect(err('ResponseCodeRatio(500.0, 600, 0, 600) > 0.5')).toMatchObject({ offset: 18, message: expect.stringContaining('as type int') });
    expect(err('ResponseCodeRatio(500, 600, 0) > 0.5')).toMatchObject({ offset: 0, message: expect.stringContaining('too few input arguments') });
    expect(err('NetworkErrorRatio(1.0) > 0.5').message).toContain('too many input arguments');
  });

  it('the metric comes first; no negation, no arithmetic, no bare metric, no chained comparison', () => {
    expect(err('0.5 < NetworkErrorRatio()')).toMatchObject({ offset: 4, message: expect.stringContaining('lt: unsupported argument: float64') });
    expect(err('!(NetworkErrorRatio() > 0.5)')).toMatchObject({ offset: 0, message: expect.stringContaining('! is not supported') });
    expect(err('NetworkErrorRatio() > -0.5')).toMatchObject({ offset: 22, message: expect.stringContaining('- is not supported') });
    expect(err('NetworkErrorRatio() * 2.0 > 0.5')).toMatchObject({ offset: 20, message: expect.stringContaining('* is not supported') });
    expect(err('NetworkErrorRatio()')).toMatchObject({ offset: 0, message: expect.stringContaining('expected predicate') });
    expect(err('NetworkErrorRatio() > 0.5 > 0.3')).toMatchObject({ offset: 26, message: expect.stringContaining('gt: unsupported argument: cbreaker.hpredicate') });
    expect(err('NetworkErrorRatio() > 0.5 && 0.3')).toMatchObject({ offset: 26, message: expect.stringContaining('both sides of &&') });
  });

  it('names unknown functions and identifiers, case-sensitively; RequestThreshold() is later than the modelled Traefik', () => {
    expect(err('networkErrorRatio() > 0.5')).toMatchObject({ offset: 0, message: expect.stringContaining('unsupported function: networkErrorRatio') });
    expect(err('NetworkErrorRatio > 0.5')).toMatchObject({ offset: 0, message: expect.stringContaining('call it: NetworkErrorRatio(...)') });
    expect(err('NetworkErrorRatio() > 0.5 && RequestThreshold() >= 20').message).toContain('oxy v2.2.0');
  });

  it('syntax errors carry the offset of the offending text', () => {
    expect(err('NetworkErrorRatio() > 0.5 &&')).toMatchObject({ offset: 28, message: expect.stringContaining('found the end of the expression') });
    expect(err('NetworkErrorRatio() = 0.5')).toMatchObject({ offset: 20, message: expect.stringContaining('comparisons use ==') });
    expect(err('NetworkErrorRatio( > 0.5')).toMatchObject({ offset: 19 });
    expect(err('(NetworkErrorRatio() > 0.5')).toMatchObject({ offset: 26, message: expect.stringContaining("expected ')'") });
    expect(err('NetworkErrorRatio() > 0.5 NetworkErrorRatio() > 0.1')).toMatchObject({ offset: 26 });
    expect(err('ResponseCodeRatio(0800, 600, 0, 600) > 0.5')).toMatchObject({ offset: 19, message: "invalid digit '8' in octal literal" });
    expect(err('ResponseCodeRatio(0x1F4, 600, 0, 600) > 0.5')).toMatchObject({ offset: 18, message: expect.stringContaining('strconv.Atoi') });
    expect(err('ResponseCodeRatio(1_000, 600, 0, 600) > 0.5').message).toContain('strconv.Atoi');
    expect(err('ResponseCodeRatio("500", 600, 0, 600) > 0.5').offset).toBe(18);
    expect(err('')).toMatchObject({ offset: 0, message: expect.stringContaining('expected an operand') });
  });
});

describe('circuitBreaker expression evaluation (semantics §4 / Traefik circuitBreaker; oxy predicates_operators.go)', () => {
  it('compares each metric with its constant; >= and <= are "greater/less or equal"', () => {
    expect(evaluate(ok('NetworkErrorRatio() > 0.5'), view({ ner: 0.62 }))).toBe(true);
    expect(evaluate(ok('NetworkErrorRatio() > 0.5'), view({ ner: 0.5 }))).toBe(false);
    expect(evaluate(ok('NetworkErrorRatio() >= 0.5'), view({ ner: 0.5 }))).toBe(true);
    expect(evaluate(ok('NetworkErrorRatio() <= 0.5'), view({ ner: 0.5 }))).toBe(true);
    expect(evaluate(ok('NetworkErrorRatio() != 0.5'), view({ ner: 0.5 }))).toBe(false);
    expect(evaluate(ok('LatencyAtQuantileMS(50.0) == 100'), view({ lat: 100 }))).toBe(true);
    const v = view({ rcr: 0.3 });
    expect(evaluate(ok('ResponseCodeRatio(500, 600, 0, 600) > 0.25'), v)).toBe(true);
    expect(v.asked).toEqual(['rcr(500,600,0,600)']);
  });

  it('&& and || short-circuit like oxy’s and/or loops', () => {
    const v = view({ ner: 0.9, lat: 5 });
    expect(evaluate(ok('NetworkErrorRatio() > 0.5 || LatencyAtQuantileMS(50.0) > 100'), v)).toBe(true);
    expect(v.asked).toEqual(['ner']);
    const w = view({ ner: 0.1, lat: 500 });
    expect(evaluate(ok('NetworkErrorRatio() > 0.5 && LatencyAtQuantileMS(50.0) > 100'), w)).toBe(false);
    expect(w.asked).toEqual(['ner']);
  });

  it('explains the comparisons that decided, in words', () => {
    expect(explain(ok('NetworkErrorRatio() > 0.5'), view({ ner: 0.62 }))).toEqual({ matched: true, because: 'NetworkErrorRatio() = 0.62 > 0.5' });
    expect(explain(ok('NetworkErrorRatio() > 0.5'), view({ ner: 1 / 3 }))).toEqual({ matched: false, because: 'NetworkErrorRatio() = 0.333, not > 0.5' });
    const both = ok('ResponseCodeRatio(500, 600, 0, 600) > 0.30 || LatencyAtQuantileMS(50.0) > 100');
    expect(explain(both, view({ rcr: 0.1, lat: 120 })).because).toBe('LatencyAtQuantileMS(50.0) = 120 ms > 100');
    expect(explain(both, view({ rcr: 0.1, lat: 20 })).because).toBe('ResponseCodeRatio(500, 600, 0, 600) = 0.1, not > 0.30; LatencyAtQuantileMS(50.0) = 20 ms, not > 100');
    expect(explain(ok('NetworkErrorRatio() > 0.1 && LatencyAtQuantileMS(50.0) > 100'), view({ ner: 0.2, lat: 150 })).because).toBe('NetworkErrorRatio() = 0.2 > 0.1 and LatencyAtQuantileMS(50.0) = 150 ms > 100');
  });
});
