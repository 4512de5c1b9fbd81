/**
 * Expectations from YAML to the checker's shape, with the references they make (clients, variants,
 * replicas) checked against the scenario so a typo fails at load time, not as a puzzling "got 0".
 */
import type { JsonPath } from '../config/yaml-source.ts';
import type { Expectation, ExpectationSubject, Matcher } from './types.ts';
import type { RawExpectation } from './raw.ts';
import { instantAt, report, type ConvertContext } from './convert-context.ts';
import { nearest } from './edit-distance.ts';
import { parseTolerance } from './instants.ts';
import { describeSubject } from './expect-describe.ts';

export interface ExpectRefs {
  /** The variant being converted: references are checked only in expectations that apply to it. */
  variant: string;
  clients: string[];
  /** Every variant name, `base` included. */
  variants: string[];
  replicas: number;
}

function checkName(ctx: ConvertContext, name: string, known: string[], what: string, path: JsonPath): void {
  if (known.includes(name)) return;
  const guess = nearest(name, known);
  const hint = guess ? `did you mean '${guess}'?` : known.length ? `known ${what}s: ${[...new Set(known)].join(', ')}` : `the scenario defines no ${what}s`;
  report(ctx, 'GL_E_EXPECT', path, `unknown ${what} '${name}'`, hint);
}

/** `<client id>-<n>`, n counting from 1 in send order; a client's own retry of it adds `.retry<k>`. */
const REQUEST_ID = /^(.+)-(\d+)(?:\.retry\d+)?$/;

/**
 * A request id names its client, so a typo in either part can be caught before anything runs; without
 * this, `status: { request: notoken-1 }` loads cleanly and fails only at check time, and
 * `absent: true` on it passes for the wrong reason.
 */
function checkRequest(ctx: ConvertContext, id: string, clients: string[], path: JsonPath): void {
  const m = REQUEST_ID.exec(id);
  const example = `${clients[0] ?? 'client'}-1`;
  if (!m) {
    report(ctx, 'GL_E_EXPECT', path, `'${id}' is not a request id`, `request ids are <client id>-<n>, counting from 1 in the order the client sends, such as ${example}; a client's retry adds .retry<k>`);
    return;
  }
  const client = m[1] as string;
  const n = m[2] as string;
  if (!clients.includes(client)) {
    const guess = nearest(client, clients);
    const hint = guess ? `did you mean '${guess}-${n}'?` : clients.length ? `request ids are <client id>-<n>; the clients are ${[...new Set(clients)].join(', ')}` : 'the scenario defines no clients';
    report(ctx, 'GL_E_EXPECT', path, `request '${id}' names no client: there is no client '${client}'`, hint);
  } else if (Number(n) === 0) {
    report(ctx, 'GL_E_EXPECT', path, `request '${id}' does not exist: request numbers count from 1`, `the first request of ${client} is ${client}-1`);
  }
}

function subject(ctx: ConvertContext, raw: RawExpectation, path: JsonPath, refs: ExpectRefs): ExpectationSubject {
  // Every subject that names one request: check the id's client part (see checkRequest).
  for (const kind of ['status', 'upstream', 'body', 'decision', 'header', 'span'] as const) {
    const named = raw[kind];
    if (named && typeof named.request === 'string') checkRequest(ctx, named.request, refs.clients, [...path, kind, 'request']);
  }
  const window = (w: { from?: unknown; to?: unknown }, p: JsonPath): { fromMs: number; toMs: number } => {
    const fromMs = w.from === undefined ? 0 : instantAt(ctx, w.from, [...p, 'from']);
    // Without `to` the window is open-ended: requests still finishing after `duration` count too.
    const toMs = w.to === undefined ? Infinity : instantAt(ctx, w.to, [...p, 'to']);
    if (fromMs > toMs) report(ctx, 'GL_E_INSTANT', [...p, 'to'], 'to is before from', 'the window is [from, to): from must come first');
    return { fromMs, toMs };
  };
  if (raw.count) {
    const p = [...path, 'count'];
    if (raw.count.client !== undefined) checkName(ctx, raw.count.client, refs.clients, 'client', [...p, 'client']);
    return {
      kind: 'count',
      ...(raw.count.client !== undefined ? { client: raw.count.client } : {}),
      ...(raw.count.status !== undefined ? { status: raw.count.status } : {}),
      ...window(raw.count, p),
    };
  }
  if (raw.status) return { kind: 'status', request: raw.status.request };
  if (raw.upstream) return { kind: 'upstream', request: raw.upstream.request, field: raw.upstream.field };
  if (raw.body) return { kind: 'body', request: raw.body.request, ...(raw.body.path !== undefined ? { path: raw.body.path } : {}) };
  if (raw.decision) return { kind: 'decision', ...raw.decision };
  if (raw.header) return { kind: 'header', request: raw.header.request, name: raw.header.name, side: raw.header.side ?? 'response' };
  if (raw.span) return { kind: 'span', request: raw.span.request, name: raw.span.name, field: raw.span.field ?? 'traceId' };
  if (raw.latency) {
    const p = [...path, 'latency'];
    if (raw.latency.client !== undefined) checkName(ctx, raw.latency.client, refs.clients, 'client', [...p, 'client']);
    return {
      kind: 'latency',
      ...(raw.latency.client !== undefined ? { client: raw.latency.client } : {}),
      percentile: raw.latency.percentile,
      measure: raw.latency.measure ?? 'total',
      ...window(raw.latency, p),
    };
  }
  if (raw.replica) {
    const r = raw.replica;
    return {
      kind: 'replica',
      ...(r.replica !== undefined ? { replica: r.replica } : {}),
      field: r.field,
      stat: r.stat ?? 'max',
      ...window(r, [...path, 'replica']),
    };
  }
  if (raw.transition) {
    const t = raw.transition;
    if (t.replica !== undefined) checkName(ctx, t.replica, Array.from({ length: refs.replicas }, (_, i) => `gw-${i}`), 'replica', [...path, 'transition', 'replica']);
    return {
      kind: 'transition',
      machine: t.machine,
      ...(t.to !== undefined ? { to: t.to } : {}),
      ...(t.from !== undefined ? { from: t.from } : {}),
      ...(t.subject !== undefined ? { subject: t.subject } : {}),
      ...(t.replica !== undefined ? { replica: t.replica } : {}),
      nth: t.nth ?? 1,
      field: t.field ?? 'at',
    };
  }
  const s = raw.state as NonNullable<RawExpectation['state']>;
  const p = [...path, 'state'];
  const replica = s.replica ?? 'gw-0';
  const n = /^gw-(\d+)$/.exec(replica);
  if (!n || Number(n[1]) >= refs.replicas) {
    const names = Array.from({ length: refs.replicas }, (_, i) => `gw-${i}`);
    checkName(ctx, replica, names, 'replica', [...p, 'replica']);
  }
  return { kind: 'state', atMs: instantAt(ctx, s.at, [...p, 'at']), plugin: s.plugin, replica, path: s.path };
}

function matcher(ctx: ConvertContext, raw: RawExpectation, path: JsonPath): Matcher {
  if (raw.equals !== undefined) return { equals: raw.equals };
  if (raw.between) {
    const [lo, hi] = raw.between;
    if (lo > hi) report(ctx, 'GL_E_EXPECT', [...path, 'between'], `between [${lo}, ${hi}] is empty: lo is above hi`, 'write [lo, hi] with lo <= hi');
    return { between: [lo, hi] };
  }
  if (raw.approx !== undefined) {
    const t = parseTolerance(raw.tolerance) ?? { tolerance: 0, relative: false };
    return { approx: raw.approx, tolerance: t.tolerance, relative: t.relative };
  }
  if (raw.absent) return { absent: true };
  return { contains: raw.contains as string };
}

/**
 * One expectation. `onlyVariant` is set for entries written under a variant: they apply to it alone.
 */
export function expectation(
  ctx: ConvertContext,
  raw: RawExpectation,
  path: JsonPath,
  refs: ExpectRefs,
  onlyVariant?: string,
): Expectation {
  const applies = onlyVariant !== undefined ? onlyVariant === refs.variant : !raw.variants || raw.variants.includes(refs.variant);
  // A variant may rename clients or change replicas and duration; an expectation meant for another
  // variant is checked when that variant is converted, not against this one.
  const subjectCtx = applies ? ctx : { ...ctx, diagnostics: [] };
  const subj = subject(subjectCtx, raw, path, refs);
  const match = matcher(ctx, raw, path);
  let variants = raw.variants;
  if (onlyVariant !== undefined) {
    if (variants !== undefined && (variants.length !== 1 || variants[0] !== onlyVariant)) {
      report(ctx, 'GL_E_EXPECT', [...path, 'variants'], `an expectation under variant '${onlyVariant}' applies to it alone`, `remove variants, or move the expectation to the top-level expect`, { key: true });
    }
    variants = [onlyVariant];
  } else {
    (variants ?? []).forEach((v, i) => checkName(ctx, v, refs.variants, 'variant', [...path, 'variants', i]));
  }
  return {
    name: raw.name ?? describeSubject(subj),
    ...(variants !== undefined ? { variants: [...variants] } : {}),
    subject: subj,
    matcher: match,
    path,
  };
}
