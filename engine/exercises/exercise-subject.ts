/** Evidence subjects and checks from their YAML form to the grader's shape. */
import type { SourceLoc } from '../core/errors.ts';
import type { CheckMatcher, ProbeCheck, ProbeSubject } from './exercise-types.ts';

type Raw = Record<string, Record<string, unknown> | string | undefined>;

/** The schema has already checked the shape; this only renames keys into a tagged union. */
export function convertSubject(raw: unknown): ProbeSubject {
  const r = raw as Raw;
  const [key, body] = Object.entries(r)[0] as [string, Record<string, unknown> | string];
  if (key === 'expectation') return { kind: 'expectation', name: body as string };
  const b = body as Record<string, unknown>;
  const opt = <K extends string>(name: K): Partial<Record<K, string>> =>
    typeof b[name] === 'string' ? ({ [name]: b[name] } as Record<K, string>) : {};
  // A list of clients is one partner seen from several addresses; a minute narrows the count.
  const counted = {
    ...(typeof b.client === 'string' || Array.isArray(b.client) ? { client: b.client as string | string[] } : {}),
    ...(typeof b.minute === 'number' ? { minute: b.minute } : {}),
  };
  switch (key) {
    case 'upstream':
      return { kind: 'upstream', request: b.request as string, field: b.field as 'path' };
    case 'status':
      return { kind: 'status', request: b.request as string };
    case 'outcome':
      return { kind: 'outcome', request: b.request as string, ...opt('plugin') };
    case 'admitted':
      return { kind: 'admitted', ...counted };
    case 'refused':
      return { kind: 'refused', ...counted, ...(typeof b.status === 'number' ? { status: b.status } : {}) };
    case 'headerReachedClient':
      return { kind: 'header-reached-client', name: b.name as string, ...opt('client') };
    default:
      return { kind: 'canary-share', backend: b.backend as string, percent: b.percent as number, sigmas: b.sigmas as number };
  }
}

/** A check: its subject and matcher. canaryShare and expectation judge themselves. */
export function convertCheck(raw: Record<string, unknown>, loc: SourceLoc): ProbeCheck {
  const subject = convertSubject(raw.subject);
  let matcher: CheckMatcher = { builtIn: true };
  if (raw.equals !== undefined) matcher = { equals: raw.equals as number | string };
  else if (Array.isArray(raw.between)) matcher = { between: [raw.between[0] as number, raw.between[1] as number] };
  return { subject, matcher, loc };
}

/** The clients a subject names (none, one or a list), for checking them against the scenario it reads. */
export function clientsOf(subject: ProbeSubject): string[] {
  if (!('client' in subject) || subject.client === undefined) return [];
  return typeof subject.client === 'string' ? [subject.client] : subject.client;
}

/** The request a subject names, if any: `<client>-<n>`. */
export function requestOf(subject: ProbeSubject): string | undefined {
  return 'request' in subject ? subject.request : undefined;
}
