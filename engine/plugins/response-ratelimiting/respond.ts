/**
 * Decisions → verdicts a student reads: the sentence, the facts behind it, Kong's replies. Shared by
 * both policies, so local and Redis counters answer the client identically.
 */
import { next, reply, type DecisionData, type GatewayResponse, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { kongErrorReply } from '../kit/kong-error-response.ts';
import { kongLuaErrorReply } from '../kit/kong-error-handler.ts';
import { describeIdentifier, type Identifier } from '../rate-limit/identifier.ts';
import type { ResponseRateLimitingConfig } from './config.ts';
import { decideAccess, type UsageRow } from './usage.ts';

/** The plugin id, and the key of its scratch space in ctx.vars. */
export const PLUGIN_ID = 'response-ratelimiting';

/** What access leaves for the response hook (Kong's kong.ctx.plugin). */
export interface ResponseRateLimitingVars {
  instance: string;
  identifier: Identifier;
  /** The access instant: the increment after the response counts in the windows of this instant. */
  timestampMs: number;
  /** Usage read in access; absent when access refused the request or the store failed (fault_tolerant). */
  rows?: UsageRow[];
  /** Why there are no rows, for the response hook's sentence. */
  skipped?: string;
}

/** "video 3/10 this minute, 3/40 this hour; image 4/4 this minute". */
export function describeUsage(rows: readonly UsageRow[]): string {
  // Rows come grouped by limit (usageSlots' order): one pass builds the sentence without a map and
  // arrays per request. Rows of a limit that reappears after another fall back to the grouping below.
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as UsageRow;
    const part = `${r.usage}/${r.limit} this ${r.period}`;
    if (i > 0 && (rows[i - 1] as UsageRow).name === r.name) {
      out += `, ${part}`;
      continue;
    }
    for (let j = 0; j < i; j++) if ((rows[j] as UsageRow).name === r.name) return groupedUsage(rows);
    out += `${i === 0 ? '' : '; '}${r.name} ${part}`;
  }
  return out;
}

function groupedUsage(rows: readonly UsageRow[]): string {
  const byName = new Map<string, string[]>();
  for (const r of rows) {
    const list = byName.get(r.name) ?? [];
    list.push(`${r.usage}/${r.limit} this ${r.period}`);
    byName.set(r.name, list);
  }
  return [...byName].map(([name, parts]) => `${name} ${parts.join(', ')}`).join('; ');
}

function tightest(rows: readonly UsageRow[]): UsageRow | undefined {
  let best: UsageRow | undefined;
  for (const r of rows) if (!best || r.remaining < best.remaining) best = r;
  return best;
}

function usageData(rows: readonly UsageRow[], id: Identifier, config: ResponseRateLimitingConfig): DecisionData {
  const t = tightest(rows);
  return { identifier: id.value, policy: config.policy, limitName: t?.name, period: t?.period, limit: t?.limit, usage: t?.usage, remaining: t?.remaining };
}

/** Access, once usage is known: block_on_first_violation's 429, or forward with the upstream headers. */
export function accessVerdict(ctx: RequestContext, config: ResponseRateLimitingConfig, vars: ResponseRateLimitingVars, rows: UsageRow[], note: string): Verdict {
  // While the counters read the same as for the previous forwarded request, so do the sentence, the
  // facts and the upstream headers: reuse them (each was a fresh string or object per request).
  const last = lastForwarded.get(config);
  if (last !== undefined && sameForward(last, vars.identifier, rows, note)) {
    vars.rows = rows;
    for (const [name, value] of last.upstreamHeaders) ctx.upstream.headers.set(name, value);
    return next(last.reason, last.data);
  }
  const who = describeIdentifier(vars.identifier, config.limit_by);
  const d = decideAccess(rows, config.limits, config.block_on_first_violation);
  if (d.blockedBy) {
    const b = d.blockedBy;
    const message = `API rate limit exceeded for '${b.name}'`;
    vars.skipped = 'access refused this request (block_on_first_violation)';
    // kong.response.error: the body's format follows the client's Accept (semantics §1).
    return kongErrorReply(ctx, 429, message, `${b.name} has 0 of ${b.limit} left this ${b.period} for ${who} and block_on_first_violation is on: 429 before the upstream is called (${note})`, {
      data: { ...usageData(rows, vars.identifier, config), blocked: b.name },
    });
  }
  vars.rows = rows;
  for (const [name, value] of d.upstreamHeaders) ctx.upstream.headers.set(name, value);
  // "name: value, name: value" in one pass: map + join made an array and a string per header per request.
  let told = '';
  for (let i = 0; i < d.upstreamHeaders.length; i++) {
    const [n, v] = d.upstreamHeaders[i] as [string, string];
    told += i === 0 ? `${n}: ${v}` : `, ${n}: ${v}`;
  }
  const reason = `usage for ${who}: ${describeUsage(rows)} (${note}); forwarded, the upstream is told ${told}`;
  const data = usageData(rows, vars.identifier, config);
  const id = vars.identifier;
  const usage: LastForward['rows'] = [];
  for (const r of rows) usage.push({ name: r.name, period: r.period, limit: r.limit, usage: r.usage });
  lastForwarded.set(config, { kind: id.kind, value: id.value, fellBack: id.fellBack, note, rows: usage, upstreamHeaders: d.upstreamHeaders, reason, data });
  return next(reason, data);
}

/**
 * What the last forwarded access of a config said, and everything its sentence, facts and headers were
 * built from besides the config itself (the limits, limit_by, the policy). One entry per config
 * object, so the bound is the number of plugin instances; the WeakMap lets a replaced config go. Its
 * data and header pairs are shared by the verdicts that reuse them: nothing changes a verdict's data
 * once returned (the chain and the trace only read it), and the pairs are only read here.
 */
interface LastForward {
  kind: Identifier['kind'];
  value: string;
  fellBack: boolean;
  note: string;
  rows: Array<Pick<UsageRow, 'name' | 'period' | 'limit' | 'usage'>>;
  upstreamHeaders: ReadonlyArray<readonly [string, string]>;
  reason: string;
  data: DecisionData;
}

const lastForwarded = new WeakMap<ResponseRateLimitingConfig, LastForward>();

/** Whether the sentence, facts and headers of `last` are what these inputs would build (`remaining` is limit − usage). */
function sameForward(last: LastForward, id: Identifier, rows: readonly UsageRow[], note: string): boolean {
  if (last.note !== note || last.value !== id.value || last.kind !== id.kind || last.fellBack !== id.fellBack || last.rows.length !== rows.length) return false;
  for (let i = 0; i < rows.length; i++) {
    const a = last.rows[i] as LastForward['rows'][number];
    const b = rows[i] as UsageRow;
    if (a.usage !== b.usage || a.limit !== b.limit || a.name !== b.name || a.period !== b.period || b.remaining !== b.limit - b.usage) return false;
  }
  return true;
}

/** A failed usage read: fault_tolerant forwards unlimited; otherwise Kong's plugin error, a 500. */
export function usageFailure(ctx: RequestContext, config: ResponseRateLimitingConfig, vars: ResponseRateLimitingVars, error: string): Verdict {
  const data: DecisionData = { policy: config.policy, error, faultTolerant: config.fault_tolerant };
  vars.skipped = `reading usage failed in access (${error}) and fault_tolerant let the request through`;
  if (config.fault_tolerant) {
    return next(`reading usage failed (${error}); fault_tolerant is on, so the request goes through unlimited — no usage headers, and the upstream's ${config.header_name} header will reach the client`, data);
  }
  // The Lua error reaches Kong's error handler, which writes the 500 (kong/error_handlers.lua).
  return kongLuaErrorReply(ctx, `reading usage failed (${error}) and fault_tolerant is off: the plugin raises an error, the client gets 500`, data);
}

/**
 * Kong's `kong.response.exit(429)` in header_filter: the status becomes 429 and the body empty
 * (Content-Length: 0), while the headers already on the response — the upstream's and the usage
 * headers — stay. The upstream has already done the work.
 */
export function stopReply(response: GatewayResponse, reason: string, data: DecisionData): Verdict {
  const headers = response.headers.clone();
  headers.delete('transfer-encoding');
  headers.set('Content-Length', '0');
  return reply(429, reason, { headers: headers.list(), body: '', data });
}
