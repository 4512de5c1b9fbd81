/**
 * `zone_size` on the nginx-limit-req flavour (semantics §2, "Zone exhaustion"): a sized zone keeps
 * only what nginx's slab fits, drops live keys by force when full, and refuses a key it cannot place
 * with limit_req_status. A config without it behaves and reads exactly as before.
 */
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../../pipeline/headers.ts';
import { collectingReporter, fakeContext, fakeHost, hooksForRaw as hooksFor, sendRequest as send } from '../test-kit.ts';
import { parseAlgorithmConfig } from '../algorithm-parse.ts';

const T0 = 1_767_268_800_000;
const status = (r: ReturnType<typeof send>): number => (r.verdict.kind === 'reply' ? (r.verdict.status ?? 0) : 200);
const withKey = (v: string) => fakeContext({ headers: new HeaderMap({ 'X-Api-Key': v }) });
/** A 64-byte key: a 144-byte node in a 256-byte chunk (16 to a page). */
const longKey = (i: number) => `key-${String(i).padStart(60, '0')}`;

const base = { algorithm: 'nginx-limit-req', zone: 'per-key', rate: '5r/s', burst: 10, nodelay: true, key: 'header:x-api-key' };

describe('zone_size parsing', () => {
  it('a config without zone_size parses to the same object as before (no zone_size field at all)', () => {
    const r = collectingReporter();
    const c = parseAlgorithmConfig(base, r) as unknown as Record<string, unknown>;
    expect(r.items).toEqual([]);
    expect('zone_size' in c).toBe(false);
  });

  it('§2 zone_size is read as nginx reads zone=name:size, and less than 8 pages is refused ("zone is too small")', () => {
    const ok = collectingReporter();
    expect(parseAlgorithmConfig({ ...base, zone_size: '32k', also: [{ zone: 'b', rate: '1r/s', zone_size: '1m' }] }, ok)).toMatchObject({ zone_size: 32_768, also: [{ zone_size: 1_048_576 }] });
    expect(ok.items).toEqual([]);
    const small = collectingReporter();
    parseAlgorithmConfig({ ...base, zone_size: '16k' }, small);
    expect(small.items).toMatchObject([{ severity: 'error', path: 'zone_size', code: 'GL_E_CONFIG_INVALID' }]);
    expect(small.items[0]?.message).toContain('"per-key:16k" is too small');
    const bad = collectingReporter();
    parseAlgorithmConfig({ ...base, zone_size: '10mb' }, bad);
    expect(bad.items[0]?.message).toContain('invalid zone size "10mb"');
  });
});

describe('a sized zone in the rate-limit plugin (semantics §2)', () => {
  it('§2 with room to spare, decisions and sentences are those of an unsized zone', () => {
    const sized = hooksFor({ ...base, zone_size: '1m' });
    const plain = hooksFor(base);
    for (let i = 0; i < 14; i++) {
      const a = send(sized, T0 + i * 10, withKey('k1'));
      const b = send(plain, T0 + i * 10, withKey('k1'));
      expect(a.verdict.reason).toBe(b.verdict.reason);
      expect(a.verdict.data).toEqual(b.verdict.data);
    }
    expect(sized.snapshot?.(fakeHost(T0 + 200))).toEqual(plain.snapshot?.(fakeHost(T0 + 200)));
  });

  it('§2 a full zone drops its oldest key by force; that key starts afresh', () => {
    const hooks = hooksFor({ ...base, zone_size: '32k' });
    // 80 long keys fill the 5 free pages; k-000 is the oldest and has used 3 of its burst.
    for (let n = 0; n < 3; n++) send(hooks, T0, withKey(longKey(0)));
    for (let i = 1; i < 80; i++) expect(status(send(hooks, T0 + i, withKey(longKey(i))))).toBe(200);
    const next = send(hooks, T0 + 100, withKey(longKey(80)));
    expect(status(next)).toBe(200);
    // Keys past 48 characters are cut in sentences; the data field carries the whole key.
    expect(next.verdict.reason).toContain(`zone "per-key" was full, so nginx dropped its oldest key ${longKey(0).slice(0, 24)}… (64 bytes) (excess 1.5 still in its bucket) to make room`);
    expect(next.verdict.data).toMatchObject({ outcome: 'PASSED', evicted: longKey(0) });
    expect(send(hooks, T0 + 200, withKey(longKey(0))).verdict.reason).toContain('first request of this key');
  });

  it('§2 a refused request still moves its key to the front of the queue, so the next eviction takes another key', () => {
    const hooks = hooksFor({ ...base, burst: undefined, nodelay: undefined, zone_size: '32k' });
    for (let i = 0; i < 80; i++) send(hooks, T0 + i, withKey(longKey(i)));
    // No burst: a second request 50 ms after the first is refused (excess 0.75 > 0), and touches key 0.
    expect(status(send(hooks, T0 + 50, withKey(longKey(0))))).toBe(503);
    const next = send(hooks, T0 + 100, withKey(longKey(80)));
    expect(next.verdict.data).toMatchObject({ evicted: longKey(1) });
  });

  it('§2 a new key whose node needs a chunk size the full zone cannot free is refused with limit_req_status, and nothing is counted', () => {
    const hooks = hooksFor({ ...base, zone_size: '32k', key: 'header:x-api-key' });
    for (let i = 0; i < 80; i++) send(hooks, T0 + i, withKey(longKey(i)));
    const big = send(hooks, T0 + 100, withKey('x'.repeat(1000)));
    expect(status(big)).toBe(503);
    expect(big.verdict.reason).toContain('zone "per-key" (32 KB) has no room for this key\'s 1080-byte node (a 2048-byte slab chunk)');
    expect(big.verdict.reason).toContain('could not allocate node');
    expect(big.verdict.data).toMatchObject({ outcome: 'REJECTED', zoneFull: true, evicted: longKey(0) });
    // The forced eviction still happened: 79 long keys are left, and the big key was not stored.
    const snap = hooks.snapshot?.(fakeHost(T0 + 100)) as Record<string, unknown>;
    expect(Object.keys(snap)).toHaveLength(79);
    expect(snap[longKey(0)]).toBeUndefined();
  });

  it('§2 key ip counts $binary_remote_addr: 4 bytes, so 1 MB holds 8095 clients', () => {
    const hooks = hooksFor({ algorithm: 'nginx-limit-req', rate: '1r/s', zone_size: '1m' });
    const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    for (let i = 0; i < 8095; i++) expect(send(hooks, T0, fakeContext({ peerIp: ip(i) })).verdict.reason).not.toContain('was full');
    expect(send(hooks, T0, fakeContext({ peerIp: ip(8095) })).verdict.reason).toContain('was full, so nginx dropped its oldest key 10.0.0.0');
  });
});

describe('sized zones with `also` (semantics §2: one limit_req phase)', () => {
  const two = { ...base, zone: 'rps', rate: '5r/s', burst: 10, also: [{ zone: 'rpm', rate: '100r/m', burst: 20, nodelay: true, zone_size: '32k' }] };

  it('§2 a key the second zone cannot place is refused and counted in neither zone', () => {
    const hooks = hooksFor(two);
    for (let i = 0; i < 80; i++) expect(status(send(hooks, T0 + i, withKey(longKey(i))))).toBe(200);
    const big = 'y'.repeat(1000);
    const refused = send(hooks, T0 + 100, withKey(big));
    expect(status(refused)).toBe(503);
    expect(refused.verdict.reason).toContain('zone "rpm" (32 KB) has no room');
    expect(refused.verdict.reason).toContain('nothing is counted in any zone');
    expect(refused.verdict.data).toMatchObject({ outcome: 'REJECTED', zone: 'rpm', zoneFull: true });
    // nginx did create the key's node in the first zone during its lookup; it holds no count.
    const snap = hooks.snapshot?.(fakeHost(T0 + 100)) as Record<string, Record<string, unknown>>;
    expect(snap['rps']?.[big]).toEqual({ excess: 0, burst: 10 });
    expect(snap['rpm']?.[big]).toBeUndefined();
  });

  it('§2 without any zone_size the two-zone instance is unchanged', () => {
    const sized = hooksFor({ ...two, also: [{ ...two.also[0], zone_size: '5m' }] });
    const plain = hooksFor({ ...two, also: [{ zone: 'rpm', rate: '100r/m', burst: 20, nodelay: true }] });
    for (let i = 0; i < 30; i++) {
      const a = send(sized, T0 + i * 50, withKey('k1'));
      const b = send(plain, T0 + i * 50, withKey('k1'));
      expect([a.verdict.reason, a.verdict.data]).toEqual([b.verdict.reason, b.verdict.data]);
    }
  });
});
