/**
 * Most trace events a proxy emits repeat the one before them of the same kind, save for their time
 * and request id: the router's decision, key-auth's, the balancer's, `upstream.send`… Their JSON is
 * the same text with two numbers and a string changed. The `/trace` ring (encoded-ring.ts) asks here
 * whether an event matches a template taken from an earlier one; when it does, the ring keeps only
 * the template, `t` and `req`, and skips `JSON.stringify` for it (≈ 0.5 µs an event, ten events a
 * request under the bench config).
 *
 * A template is exact, not a guess. JSON.stringify's output depends only on the sequence of own
 * enumerable keys and their values, recursively. A template keeps that sequence and every leaf of
 * the event it was made from, and an event matches only when a walk in the same order meets the same
 * keys and `===` leaves (NaN never matches; +0 and −0 print alike). Anything the walk cannot vouch
 * for — a class instance, a Date, a bigint, a function, a cycle — makes no template, so those events
 * always go through JSON.stringify as before.
 */
import { hasTemplateHoles, ObjectShape, matches, snapshot } from './event-shapes.ts';
import { makeHoledTemplate, type HoledTemplate } from './event-templates-holed.ts';

/**
 * One event's JSON with its `t` and `req` left out: `head` + t + `,"req":` + JSON of req + `tail`
 * is exactly JSON.stringify of any event that `matches` it.
 */
export class EventTemplate {
  constructor(
    readonly shape: ObjectShape,
    readonly head: string,
    readonly tail: string,
  ) {}

  /** The event's JSON, given its time and request id (what the ring kept of it). */
  json(t: number, req: string): string {
    return `${this.head}${String(t)},"req":${JSON.stringify(req)}${this.tail}`;
  }

  /** Whether `event` prints as this template with its own `t` and `req`. */
  fits(event: Record<string, unknown>): boolean {
    // A class instance with the same own keys may print otherwise (a toJSON on its prototype).
    if (Object.getPrototypeOf(event) !== Object.prototype) return false;
    const keys = this.shape.keys;
    const values = this.shape.values;
    let i = 0;
    for (const key in event) {
      if (i >= keys.length || key !== keys[i]) return false;
      // Read in the walk (for-in's own fast path), not as event.t and event.req: the ring's events
      // come in half a dozen shapes, and a named load that sees that many is a megamorphic lookup.
      const v = event[key];
      // Most leaves are the very same string as the template's, so `!==` first spares the call.
      if (i > 2) {
        if (v !== values[i] && !matches(v, values[i])) return false;
      } else if (i === 0) {
        if (v !== values[0]) return false;
      } else if (i === 1) {
        // t and req (positions 1 and 2) are the holes: a finite number and a string.
        if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      } else if (typeof v !== 'string') return false;
      i++;
    }
    return i === keys.length;
  }
}

/** A template from this event, or undefined when its JSON cannot be vouched for. */
export function makeTemplate(event: Record<string, unknown>): EventTemplate | undefined {
  if (!hasTemplateHoles(event) || Object.getPrototypeOf(event) !== Object.prototype) return undefined;
  const shape = snapshot(event, 0);
  if (!(shape instanceof ObjectShape)) return undefined;
  if (shape.keys[0] !== 'type' || shape.keys[1] !== 't' || shape.keys[2] !== 'req') return undefined;
  const json = JSON.stringify(event);
  const head = `{"type":${JSON.stringify(event.type)},"t":`;
  const prefix = `${head}${String(event.t)},"req":${JSON.stringify(event.req)}`;
  if (!json.startsWith(prefix)) return undefined;
  return new EventTemplate(shape, head, json.slice(prefix.length));
}

/** Templates kept per kind of event (its type, plugin and phase): a balancer alternating targets needs several. */
const PER_KIND = 4;
/** After this many misses in a row a kind is tried only every SPARSE_EVERY events (it varies every time). */
const MISS_STREAK = 32;
const SPARSE_EVERY = 16;
/** A kind whose templates keep missing makes new ones ever more rarely: after 1, 2, 4, … misses, at most this many. */
const MAX_BACKOFF = 1024;

/**
 * After this many events in a row that only the holed template fitted, a kind's exact templates are
 * dropped: the kind varies (a rate limit's counts), and each of them would fail a walk per event.
 */
const DROP_EXACT_AFTER = 64;

/** The templates of one kind of event, most recently useful first, and its holed template. */
class Kind {
  constructor(
    readonly type: string,
    readonly plugin: string | undefined,
    readonly phase: string | undefined,
  ) {}

  /**
   * The kind of the event that came after one of this kind last time. A proxy's events come in the
   * same few runs (request.start, router, key-auth, …), so checking this guess is three string
   * compares where the lookup is three Map gets.
   */
  next: Kind | undefined = undefined;
  templates: EventTemplate[] = [];
  holed: HoledTemplate | undefined = undefined;
  missStreak = 0;
  sinceMade = 1;
  backoff = 1;
  holedStreak = 0;
}

/**
 * Finds the template an event fits, learning new ones from misses. Keyed by type, then `plugin` and
 * `phase` when the event has them (decisions), so kinds that never repeat (a rate limit's counts)
 * neither evict nor slow the ones that do.
 */
export class EventTemplates {
  private readonly kinds = new Map<string, Map<string | undefined, Map<string | undefined, Kind>>>();
  /** The kind of the last event asked about (its `next` is the guess for the following one). */
  private last: Kind | undefined = undefined;

  /**
   * The template `event` fits (perhaps one made from it just now), or undefined: then it is encoded
   * with JSON.stringify. Exact templates are tried first (they cost nothing to print), then the kind's
   * holed template (printed per event, still far cheaper than JSON.stringify of the event).
   */
  find(event: Record<string, unknown>): EventTemplate | HoledTemplate | undefined {
    // The usual case first: the kind that followed the last one has a template this event fits. A
    // template that fits vouches for the kind too (every template of a kind holds its type, and its
    // plugin and phase when they are strings, as fixed leaves; a hole only ever takes what the kind's
    // own events had there), so this returns what the full lookup below would, with the same
    // bookkeeping, without reading type, plugin, phase, t and req by name (lookups that see every
    // event shape). Its fits check t and req as the lookup's hasTemplateHoles does.
    const last = this.last;
    const guess = last?.next;
    if (guess !== undefined && guess.missStreak < MISS_STREAK) {
      const found = this.fitted(guess, event);
      if (found !== undefined) {
        this.last = guess;
        return found;
      }
    }
    if (!hasTemplateHoles(event)) return undefined;
    // Only strings key a kind: names from the config and the code, a bounded set.
    const plugin = typeof event.plugin === 'string' ? event.plugin : undefined;
    const phase = typeof event.phase === 'string' ? event.phase : undefined;
    const type = event.type as string;
    let kind: Kind;
    if (guess !== undefined && guess.type === type && guess.plugin === plugin && guess.phase === phase) kind = guess;
    else {
      kind = this.kindOf(type, plugin, phase);
      if (last !== undefined) last.next = kind;
    }
    this.last = kind;
    if (kind.missStreak >= MISS_STREAK && kind.missStreak++ % SPARSE_EVERY !== 0) return undefined;
    const found = this.fitted(kind, event);
    if (found !== undefined) return found;
    const templates = kind.templates;
    const holed = kind.holed;
    kind.missStreak++;
    if (kind.sinceMade++ >= kind.backoff) {
      const made = makeTemplate(event);
      kind.sinceMade = 1;
      kind.backoff = Math.min(MAX_BACKOFF, kind.backoff * 2);
      if (made) {
        templates.unshift(made);
        if (templates.length > PER_KIND) templates.length = PER_KIND;
        // Made from this very event, so it prints it exactly: no second JSON.stringify for it.
        return made;
      }
      return undefined;
    }
    // Between exact templates: widen the holed one (or the latest exact one) by this event's leaves.
    const base = holed?.shape ?? templates[0]?.shape;
    if (base === undefined) return undefined;
    const widened = makeHoledTemplate(base, event);
    if (widened === undefined) return undefined;
    kind.holed = widened;
    kind.missStreak = 0;
    return widened;
  }

  /**
   * The kind's exact template the event fits (moved to the front), else its holed one, else
   * undefined; a fit resets the kind's miss counts. No side effect when nothing fits, so a failed
   * guess in `find` leaves everything as the full lookup expects it.
   */
  private fitted(kind: Kind, event: Record<string, unknown>): EventTemplate | HoledTemplate | undefined {
    const templates = kind.templates;
    for (let i = 0; i < templates.length; i++) {
      const template = templates[i] as EventTemplate;
      if (!template.fits(event)) continue;
      if (i > 0) {
        templates.splice(i, 1);
        templates.unshift(template);
      }
      kind.missStreak = 0;
      kind.backoff = 1;
      kind.holedStreak = 0;
      return template;
    }
    const holed = kind.holed;
    if (holed !== undefined && holed.fits(event)) {
      kind.missStreak = 0;
      if (++kind.holedStreak >= DROP_EXACT_AFTER && templates.length > 0) templates.length = 0;
      return holed;
    }
    return undefined;
  }

  private kindOf(type: string, plugin: string | undefined, phase: string | undefined): Kind {
    let byPlugin = this.kinds.get(type);
    if (!byPlugin) this.kinds.set(type, (byPlugin = new Map()));
    let byPhase = byPlugin.get(plugin);
    if (!byPhase) byPlugin.set(plugin, (byPhase = new Map()));
    let kind = byPhase.get(phase);
    if (!kind) byPhase.set(phase, (kind = new Kind(type, plugin, phase)));
    return kind;
  }
}
