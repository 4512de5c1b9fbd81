/**
 * Traefik's circuitBreaker `expression`, read the way Traefik reads it: vulcand/oxy cbreaker hands the
 * text to vulcand/predicate, which parses it as a Go expression and then maps it onto oxy's functions
 * and operators by reflection. That second step is strict about types, and the strictness is part of
 * the lesson: the ratios are float64 and must be compared with a float literal (`> 0.5`, `> 1.0`, not
 * `> 1`); LatencyAtQuantileMS returns whole milliseconds as an int and must be compared with an int
 * (`> 100`, not `> 100.0`) while its quantile argument must be a float (`50.0`); the metric comes
 * first (`0.5 < NetworkErrorRatio()` is rejected); there is no `!`. Sources: vulcand/oxy
 * cbreaker/predicates.go (+ predicates_operators.go), vulcand/predicate parse.go (v1.2.0).
 */
import { ExpressionSyntaxError } from './lexer.ts';
import { parseSyntax, type SyntaxNode } from './syntax.ts';

export type CompareOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** A metric function call; `text` is the call as written, for reasons a student reads. */
export type Metric =
  | { fn: 'NetworkErrorRatio'; type: 'float'; text: string; offset: number }
  | { fn: 'ResponseCodeRatio'; type: 'float'; args: [number, number, number, number]; text: string; offset: number }
  | { fn: 'LatencyAtQuantileMS'; type: 'int'; quantile: number; text: string; offset: number };

/** The checked condition: comparisons of a metric with a constant, joined by && and ||. */
export type CbExpr =
  | { kind: 'compare'; op: CompareOp; metric: Metric; value: number; valueText: string; offset: number }
  | { kind: 'and' | 'or'; left: CbExpr; right: CbExpr; offset: number };

/** What the metrics must answer at the instant of a check (metrics.ts implements it). */
export interface MetricsView {
  networkErrorRatio(): number;
  responseCodeRatio(from: number, to: number, dividedByFrom: number, dividedByTo: number): number;
  /** Whole milliseconds, truncated, as oxy's `int(latency / time.Millisecond)`. */
  latencyAtQuantileMs(quantile: number): number;
}

export type ParsedCbExpression = { ok: true; ast: CbExpr } | { ok: false; offset: number; message: string };

/** Parses and checks an expression; on failure, `offset` is the 0-based index of the offending text. */
export function parseTraefikCbExpression(text: string): ParsedCbExpression {
  try {
    const checked = check(parseSyntax(text));
    if (checked.kind !== 'predicate') {
      throw new ExpressionSyntaxError(0, `the expression must be a condition such as NetworkErrorRatio() > 0.5, not a bare ${describe(checked)} (Traefik: expected predicate, got ${goType(checked)})`);
    }
    return { ok: true, ast: checked.expr };
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Checking: the mapping vulcand/predicate performs, with its errors in its order (left operand,
// right operand, then the operator).

type Literal = { kind: 'int' | 'float'; value: number; text: string; start: number } | { kind: 'string'; text: string; start: number };

type Checked = { kind: 'predicate'; expr: CbExpr } | { kind: 'metric'; metric: Metric } | Literal;

const GO_OP: Record<CompareOp, string> = { '>': 'gt', '>=': 'gt', '<': 'lt', '<=': 'lt', '==': 'eq', '!=': 'eq' };
const COMPARE = new Set<string>(Object.keys(GO_OP));

const fail = (offset: number, message: string): never => {
  throw new ExpressionSyntaxError(offset, message);
};

function goType(c: Checked): string {
  if (c.kind === 'predicate') return 'cbreaker.hpredicate';
  if (c.kind === 'metric') return `cbreaker.toType[${c.metric.type === 'int' ? 'int' : 'float64'}]`;
  return c.kind === 'float' ? 'float64' : c.kind;
}

function describe(c: Checked): string {
  if (c.kind === 'metric') return `metric ${c.metric.text}`;
  if (c.kind === 'predicate') return 'condition';
  return `constant ${c.text}`;
}

function check(node: SyntaxNode): Checked {
  switch (node.t) {
    case 'lit':
      return literal(node);
    case 'ident':
      return fail(node.start, `${node.name} is not defined${isFunction(node.name) ? ` — call it: ${node.name}(...)` : ''}`);
    case 'paren':
      return check(node.inner);
    case 'unary':
      return fail(node.start, `${node.op} is not supported: Traefik's expressions have no unary operators (write the opposite comparison, or a positive constant)`);
    case 'call':
      return { kind: 'metric', metric: call(node) };
    case 'binary':
      return binary(node);
  }
}

function literal(node: Extract<SyntaxNode, { t: 'lit' }>): Literal {
  const { text, start } = node;
  if (node.kind === 'string') return { kind: 'string', text, start };
  if (node.kind === 'int') {
    // strconv.Atoi: base 10 only, so 0x10 and 1_000 (valid Go) fail here; a leading 0 is fine.
    if (!/^[0-9]+$/.test(text)) fail(start, `failed to parse argument: ${text}, error: strconv.Atoi: parsing "${text}": invalid syntax`);
    if (BigInt(text) > 9223372036854775807n) fail(start, `failed to parse argument: ${text}, error: strconv.Atoi: parsing "${text}": value out of range`);
    return { kind: 'int', value: Number(text), text, start };
  }
  const value = Number(text);
  if (text.includes('_') || Number.isNaN(value)) fail(start, `failed to parse argument: ${text}, error: strconv.ParseFloat: parsing "${text}": invalid syntax`);
  if (!Number.isFinite(value)) fail(start, `failed to parse argument: ${text}, error: strconv.ParseFloat: parsing "${text}": value out of range`);
  return { kind: 'float', value, text, start };
}

const FUNCTIONS = { NetworkErrorRatio: [], ResponseCodeRatio: ['int', 'int', 'int', 'int'], LatencyAtQuantileMS: ['float'] } as const;
type FunctionName = keyof typeof FUNCTIONS;
const isFunction = (name: string): name is FunctionName => Object.hasOwn(FUNCTIONS, name);

function call(node: Extract<SyntaxNode, { t: 'call' }>): Metric {
  if (!isFunction(node.name)) {
    const later = node.name === 'RequestThreshold' ? ' (RequestThreshold() arrived with oxy v2.2.0, traefik/traefik#13459, July 2026; gatelab models the Traefik v3 releases before it)' : '';
    return fail(node.start, `unsupported function: ${node.name}${later}; use NetworkErrorRatio(), ResponseCodeRatio(from, to, dividedByFrom, dividedByTo) or LatencyAtQuantileMS(quantile)`);
  }
  const args = node.args.map((a) => {
    if (a.t === 'ident') return fail(a.start, `${a.name} is not defined`);
    if (a.t !== 'lit') {
      const goNode = a.t === 'binary' ? 'BinaryExpr' : a.t === 'unary' ? 'UnaryExpr' : a.t === 'paren' ? 'ParenExpr' : undefined;
      return fail(a.start, `a function argument must be a plain number${goNode ? ` (Traefik: *ast.${goNode} is not supported)` : ''}`);
    }
    return literal(a);
  });
  const want = FUNCTIONS[node.name];
  if (args.length !== want.length) {
    fail(node.start, `${node.name} takes ${want.length} argument${want.length === 1 ? '' : 's'}, not ${args.length} (Traefik: reflect: Call with too ${args.length < want.length ? 'few' : 'many'} input arguments)`);
  }
  args.forEach((a, i) => {
    if (a.kind === want[i]) return;
    const example = want[i] === 'int' ? '500' : a.kind === 'int' ? `${a.text}.0` : '50.0';
    fail(a.start, `${node.name}'s argument ${i + 1} must be ${want[i] === 'float' ? 'a float written with a decimal point' : 'an integer'}, such as ${example} (Traefik: reflect: Call using ${goType(a)} as type ${want[i] === 'float' ? 'float64' : 'int'})`);
  });
  const values = args.map((a) => (a as { value: number }).value);
  const text = `${node.name}(${args.map((a) => a.text).join(', ')})`;
  if (node.name === 'NetworkErrorRatio') return { fn: node.name, type: 'float', text, offset: node.start };
  if (node.name === 'LatencyAtQuantileMS') return { fn: node.name, type: 'int', quantile: values[0] as number, text, offset: node.start };
  return { fn: node.name, type: 'float', args: values as [number, number, number, number], text, offset: node.start };
}

function binary(node: Extract<SyntaxNode, { t: 'binary' }>): Checked {
  const left = check(node.left);
  const right = check(node.right);
  if (node.op === '&&' || node.op === '||') {
    const bad = [left, right].find((s) => s.kind !== 'predicate');
    if (bad) fail(node.opOffset, `both sides of ${node.op} must be conditions such as NetworkErrorRatio() > 0.5, not a ${describe(bad)} (Traefik: reflect: Call using ${goType(bad)} as type cbreaker.hpredicate)`);
    const expr: CbExpr = { kind: node.op === '&&' ? 'and' : 'or', left: (left as { expr: CbExpr }).expr, right: (right as { expr: CbExpr }).expr, offset: node.opOffset };
    return { kind: 'predicate', expr };
  }
  if (!COMPARE.has(node.op)) return fail(node.opOffset, `${node.op} is not supported: an expression compares metrics with constants and joins the comparisons with && and ||`);
  const op = node.op as CompareOp;
  if (left.kind !== 'metric') {
    return fail(node.opOffset, `the left side of ${op} must be a metric (Traefik compares a metric with a constant, in that order), not a ${describe(left)} (Traefik: ${GO_OP[op]}: unsupported argument: ${goType(left)})`);
  }
  const { metric } = left;
  if (right.kind !== metric.type) {
    const want = metric.type === 'int' ? 'an integer such as 100' : `a float written with a decimal point, such as ${right.kind === 'int' ? `${right.text}.0` : '0.5'}`;
    const why = metric.type === 'int' ? 'returns whole milliseconds as an int' : 'is a float64';
    return fail(right.kind === 'predicate' || right.kind === 'metric' ? node.opOffset : right.start, `${metric.text} ${why}, so it must be compared with ${want}, not a ${describe(right)} (Traefik: expected int, got ${goType(right)})`);
  }
  const { value, text } = right as { value: number; text: string };
  return { kind: 'predicate', expr: { kind: 'compare', op, metric, value, valueText: text, offset: node.opOffset } };
}

// ---------------------------------------------------------------------------------------------
// Evaluation over a metrics view, short-circuiting like oxy's and/or.

export function metricValue(metric: Metric, view: MetricsView): number {
  if (metric.fn === 'NetworkErrorRatio') return view.networkErrorRatio();
  if (metric.fn === 'LatencyAtQuantileMS') return view.latencyAtQuantileMs(metric.quantile);
  return view.responseCodeRatio(...metric.args);
}

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a > b || a === b;
    case '<': return a < b;
    case '<=': return a < b || a === b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

export function evaluate(expr: CbExpr, view: MetricsView): boolean {
  if (expr.kind === 'compare') return compare(expr.op, metricValue(expr.metric, view), expr.value);
  if (expr.kind === 'and') return evaluate(expr.left, view) && evaluate(expr.right, view);
  return evaluate(expr.left, view) || evaluate(expr.right, view);
}

/** Ratios to three decimals at most, so a reason reads 0.667, not 0.6666666666666666. */
const show = (x: number): string => String(Math.round(x * 1000) / 1000);

/**
 * The result and the comparisons that decided it, in words: "NetworkErrorRatio() = 0.62 > 0.5", or
 * "NetworkErrorRatio() = 0.2, not > 0.5". Only what was evaluated is named (&& and || short-circuit).
 */
export function explain(expr: CbExpr, view: MetricsView): { matched: boolean; because: string } {
  if (expr.kind === 'compare') {
    const v = metricValue(expr.metric, view);
    const matched = compare(expr.op, v, expr.value);
    const unit = expr.metric.type === 'int' ? ' ms' : '';
    return { matched, because: `${expr.metric.text} = ${show(v)}${unit}${matched ? ' ' : ', not '}${expr.op} ${expr.valueText}` };
  }
  const l = explain(expr.left, view);
  if (expr.kind === 'and') {
    if (!l.matched) return l;
    const r = explain(expr.right, view);
    return r.matched ? { matched: true, because: `${l.because} and ${r.because}` } : r;
  }
  if (l.matched) return l;
  const r = explain(expr.right, view);
  return r.matched ? r : { matched: false, because: `${l.because}; ${r.because}` };
}
