/**
 * W3C Trace Context `traceparent` parsing and formatting (semantics §11): `version-traceid-parentid-flags`
 * in lowercase hex. A header that breaks any rule is ignored as a whole — the receiver starts a new
 * trace and does not read `tracestate` — so a malformed value can never poison a trace id.
 */

/** The parts of a valid traceparent; `sampled` is bit 0 of the flags. */
export interface TraceParent {
  version: string;
  traceId: string;
  parentId: string;
  sampled: boolean;
}

export type ParsedTraceParent = { ok: true; value: TraceParent } | { ok: false; reason: string };

const HEX2 = /^[0-9a-f]{2}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const ZERO16 = '0'.repeat(16);
const ZERO32 = '0'.repeat(32);
/** Length of a version-00 header: 2 + 1 + 32 + 1 + 16 + 1 + 2. */
export const TRACEPARENT_V00_LENGTH = 55;

/** Reads one traceparent value; every rejection says which rule it broke, for the trace's reason. */
export function parseTraceParent(raw: string): ParsedTraceParent {
  const value = raw.trim();
  const version = value.slice(0, 2);
  if (!HEX2.test(version)) return { ok: false, reason: 'the version is not two lowercase hex digits' };
  if (version === 'ff') return { ok: false, reason: 'version ff is forbidden' };
  if (version === '00' && value.length !== TRACEPARENT_V00_LENGTH) {
    return { ok: false, reason: `a version-00 value is ${TRACEPARENT_V00_LENGTH} characters, this one has ${value.length}` };
  }
  // A future version may append fields, but only after a dash; its first 55 characters read like 00.
  if (version !== '00') {
    if (value.length < TRACEPARENT_V00_LENGTH) return { ok: false, reason: `version ${version} is shorter than ${TRACEPARENT_V00_LENGTH} characters` };
    if (value.length > TRACEPARENT_V00_LENGTH && value[TRACEPARENT_V00_LENGTH] !== '-') {
      return { ok: false, reason: `version ${version} has no dash after the flags` };
    }
  }
  const [, traceId = '', parentId = '', flags = ''] = value.slice(0, TRACEPARENT_V00_LENGTH).split('-');
  if (value[2] !== '-' || value[35] !== '-' || value[52] !== '-') return { ok: false, reason: 'the fields are not separated by dashes where they should be' };
  if (!HEX32.test(traceId)) return { ok: false, reason: 'the trace id is not 32 lowercase hex digits' };
  if (traceId === ZERO32) return { ok: false, reason: 'the trace id is all zeros' };
  if (!HEX16.test(parentId)) return { ok: false, reason: 'the parent id is not 16 lowercase hex digits' };
  if (parentId === ZERO16) return { ok: false, reason: 'the parent id is all zeros' };
  if (!HEX2.test(flags)) return { ok: false, reason: 'the flags are not two lowercase hex digits' };
  return { ok: true, value: { version, traceId, parentId, sampled: (parseInt(flags, 16) & 1) === 1 } };
}

/** The value a gateway sends: always version 00, and only the sampled bit (other bits must go out as 0). */
export function formatTraceParent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** True for a well-formed id of `hexDigits` lowercase hex digits that is not all zeros. */
export function isValidId(id: string, hexDigits: 16 | 32): boolean {
  return (hexDigits === 16 ? HEX16 : HEX32).test(id) && !/^0+$/.test(id);
}
