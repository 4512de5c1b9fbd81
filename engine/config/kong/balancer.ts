/**
 * An upstream's `algorithm`, `hash_on*`, `hash_fallback*` and `slots` → BalancerIR (semantics §10).
 * Sources (Kong 3.x): kong/db/schema/entities/upstreams.lua (values, defaults, entity checks),
 * kong/runloop/balancer/init.lua `get_value_to_hash` (where the key comes from, the one fallback, and
 * `or ""` when neither gives a value), kong/runloop/balancer/consistent_hashing.lua (a continuum of
 * `slots` points, never fewer than 1000), kong/runloop/balancer/latency.lua (EWMA, 10 s decay).
 */
import type { BalancerIR, HashOnIR } from '../../upstream/policy.ts';
import { type AdaptContext, type EntityNode, fieldPath } from './context.ts';
import { suggestion } from './nearest.ts';
import { readInt, readString } from './read.ts';

export const KONG_ALGORITHMS = ['round-robin', 'consistent-hashing', 'least-connections', 'latency'] as const;
export const KONG_HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const;
type HashOn = (typeof KONG_HASH_ON)[number];

/** Kong's slots default and range (upstreams.lua), and the continuum's floor (consistent_hashing.lua MIN_CONTINUUM_SIZE). */
export const KONG_DEFAULT_SLOTS = 10000;
const SLOTS_RANGE = { min: 10, max: 65536 };
const MIN_CONTINUUM = 1000;
/** latency.lua decays its EWMA over 10 s (semantics §10). */
export const KONG_LATENCY_DECAY_MS = 10_000;

/** Which field names the key for each source; the fallback shares hash_on_cookie with the primary. */
const NAME_FIELD: Partial<Record<HashOn, { primary: string; fallback: string }>> = {
  header: { primary: 'hash_on_header', fallback: 'hash_fallback_header' },
  cookie: { primary: 'hash_on_cookie', fallback: 'hash_on_cookie' },
  query_arg: { primary: 'hash_on_query_arg', fallback: 'hash_fallback_query_arg' },
  uri_capture: { primary: 'hash_on_uri_capture', fallback: 'hash_fallback_uri_capture' },
};

export function readBalancer(ctx: AdaptContext, node: EntityNode): BalancerIR | undefined {
  const algorithm = readChoice(ctx, node, 'algorithm', KONG_ALGORITHMS, 'round-robin');
  const hashOn = readChoice(ctx, node, 'hash_on', KONG_HASH_ON, 'none');
  const fallback = readChoice(ctx, node, 'hash_fallback', KONG_HASH_ON, 'none');
  const slots = readInt(ctx, node, 'slots', KONG_DEFAULT_SLOTS, SLOTS_RANGE);
  if (algorithm === undefined || hashOn === undefined || fallback === undefined) return undefined;
  if (!checkHashFields(ctx, node, hashOn, fallback)) return undefined;
  switch (algorithm) {
    // Kong's round robin honours target weights (its wheel holds each target weight-many times).
    case 'round-robin':
      noHashing(ctx, node, hashOn, algorithm);
      return { kind: 'weighted-round-robin', wheel: true };
    case 'least-connections':
      noHashing(ctx, node, hashOn, algorithm);
      return { kind: 'least-connections' };
    case 'latency':
      noHashing(ctx, node, hashOn, algorithm);
      return { kind: 'ewma', decayMs: KONG_LATENCY_DECAY_MS };
    case 'consistent-hashing':
      return ringHash(ctx, node, hashOn, fallback, slots);
  }
}

function ringHash(ctx: AdaptContext, node: EntityNode, hashOn: HashOn, fallback: HashOn, slots: number): BalancerIR {
  if (slots < MIN_CONTINUUM && node.value['slots'] !== undefined) {
    ctx.warn(node.doc, fieldPath(node, 'slots'), 'GL_W_NO_EFFECT', `Kong's consistent-hashing continuum has at least ${MIN_CONTINUUM} points, so slots ${slots} of ${node.label} gives a ${MIN_CONTINUUM}-point ring (consistent_hashing.lua)`);
  }
  const size = Math.max(slots, MIN_CONTINUUM);
  const primary = hashSource(ctx, node, hashOn, 'primary');
  if (primary) {
    if (fallback !== 'none') {
      ctx.warn(
        node.doc,
        fieldPath(node, 'hash_fallback'),
        'GL_W_NO_EFFECT',
        `hash_fallback of ${node.label} has no effect here: gatelab's ring hash reads one key; when ${hashOn} gives none it picks a random point, where Kong would hash on ${fallback}`,
        undefined,
        true,
      );
    }
    return { kind: 'ring-hash', hashOn: primary, minRingSize: size, maxRingSize: size };
  }
  const why = unhashable(hashOn);
  const second = fallback === 'none' ? undefined : hashSource(ctx, node, fallback, 'fallback');
  if (second) {
    ctx.warn(node.doc, fieldPath(node, 'hash_on'), 'GL_W_NO_EFFECT', `hash_on ${hashOn} of ${node.label} cannot be modelled (${why}); gatelab hashes on the fallback, ${fallback}, for every request`, undefined, true);
    return { kind: 'ring-hash', hashOn: second, minRingSize: size, maxRingSize: size };
  }
  ctx.warn(
    node.doc,
    fieldPath(node, hashOn === 'none' ? 'algorithm' : 'hash_on'),
    'GL_W_NO_EFFECT',
    `consistent-hashing with hash_on ${hashOn} cannot be modelled (${why}); gatelab balances ${node.label} by weighted round robin instead`,
    hashOn === 'none' ? 'set hash_on (ip, header, cookie, path or query_arg)' : undefined,
    true,
  );
  return { kind: 'weighted-round-robin', wheel: true };
}

function unhashable(hashOn: HashOn): string {
  if (hashOn === 'none') return 'Kong then hashes an empty value, so every request goes to the same target';
  if (hashOn === 'consumer') return "gatelab's ring hash cannot read the authenticated consumer";
  return "gatelab's ring hash cannot read the route's regex captures";
}

/** The HashOnIR for a source the IR can express; undefined for none, consumer and uri_capture. */
function hashSource(ctx: AdaptContext, node: EntityNode, on: HashOn, which: 'primary' | 'fallback'): HashOnIR | undefined {
  const name = (): string => readString(ctx, node, NAME_FIELD[on]?.[which] ?? '') ?? '';
  switch (on) {
    case 'ip':
      return { source: 'ip' };
    case 'path':
      return { source: 'path' };
    case 'header':
      return { source: 'header', name: name() };
    case 'query_arg':
      return { source: 'query', name: name() };
    case 'cookie':
      // init.lua: no cookie → Kong makes a UUID, hashes it and sends it back in Set-Cookie.
      ctx.warn(
        node.doc,
        fieldPath(node, 'hash_on_cookie'),
        'GL_W_NO_EFFECT',
        `when a request lacks the ${name()} cookie, Kong generates one (Set-Cookie, path hash_on_cookie_path) and hashes it; gatelab picks a random point and sets no cookie`,
        undefined,
        true,
      );
      return { source: 'cookie', name: name() };
    default:
      return undefined;
  }
}

/** upstreams.lua entity checks on the hash fields; false when Kong would reject the upstream. */
function checkHashFields(ctx: AdaptContext, node: EntityNode, hashOn: HashOn, fallback: HashOn): boolean {
  let good = true;
  const fail = (field: string, message: string, hint?: string): void => {
    ctx.error(node.doc, fieldPath(node, field), 'GL_E_CONFIG_INVALID', message, hint, node.value[field] !== undefined);
    good = false;
  };
  for (const [on, which, field] of [
    [hashOn, 'primary', 'hash_on'],
    [fallback, 'fallback', 'hash_fallback'],
  ] as const) {
    const need = NAME_FIELD[on]?.[which];
    if (need !== undefined && (node.value[need] === undefined || node.value[need] === null)) {
      fail(field, `${field} ${on} of ${node.label} needs ${need}`, `add ${need}: <name>`);
    }
  }
  if (fallback !== 'none' && (hashOn === 'none' || hashOn === 'cookie')) {
    fail('hash_fallback', `hash_fallback of ${node.label} must be none when hash_on is ${hashOn}`);
  } else if (fallback === hashOn && fallback !== 'none' && NAME_FIELD[hashOn] === undefined) {
    fail('hash_fallback', `hash_fallback of ${node.label} must differ from hash_on (${hashOn})`);
  }
  const h1 = node.value['hash_on_header'];
  const h2 = node.value['hash_fallback_header'];
  if (typeof h1 === 'string' && typeof h2 === 'string' && h1.toLowerCase() === h2.toLowerCase()) {
    fail('hash_fallback_header', `hash_on_header and hash_fallback_header of ${node.label} must name different headers`);
  }
  return good;
}

function noHashing(ctx: AdaptContext, node: EntityNode, hashOn: HashOn, algorithm: string): void {
  if (hashOn === 'none') return;
  ctx.warn(node.doc, fieldPath(node, 'hash_on'), 'GL_W_NO_EFFECT', `hash_on of ${node.label} has no effect: only algorithm consistent-hashing hashes, and this upstream uses ${algorithm}`, 'set algorithm: consistent-hashing', true);
}

function readChoice<T extends string>(ctx: AdaptContext, node: EntityNode, field: string, known: readonly T[], dflt: T): T | undefined {
  const v = readString(ctx, node, field);
  if (v === undefined) return node.value[field] === undefined || node.value[field] === null ? dflt : undefined;
  if ((known as readonly string[]).includes(v)) return v as T;
  ctx.error(node.doc, fieldPath(node, field), 'GL_E_CONFIG_INVALID', `${field} of ${node.label} must be one of ${known.join(', ')}, not "${v}"`, suggestion(v, known, 'values'));
  return undefined;
}
