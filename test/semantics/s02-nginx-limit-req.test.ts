/** Semantics §2 (nginx limit_req): a key longer than 65535 bytes is not limited, counted in UTF-8 bytes. */
import { describe, expect, it } from 'vitest';
import { limitReqOne, parseNginxRate, type LimitReqLimit, type LimitReqNode } from '../../engine/plugins/rate-limit/math/nginx-limit-req.ts';

const T0 = 1_700_000_000_000;

function outcomes(key: string): string[] {
  const rate = parseNginxRate('1r/s');
  if (!rate.ok) throw new Error(rate.error);
  const limit: LimitReqLimit = { zone: 'z', rateMilli: rate.value, burst: 0, delay: 0 };
  let node: LimitReqNode | undefined;
  return [T0, T0 + 1].map((t) => {
    const r = limitReqOne(limit, key, node, t);
    node = r.node;
    return r.decision.outcome;
  });
}

describe('semantics §2 nginx limit_req keys', () => {
  it('§2 a key of exactly 65535 bytes is limited; one byte more and the zone does not limit the request', () => {
    expect(outcomes('k'.repeat(65_535))).toEqual(['PASSED', 'REJECTED']);
    expect(outcomes('k'.repeat(65_536))).toEqual(['NOT_LIMITED', 'NOT_LIMITED']);
  });

  it('§2 the 65535 limit counts bytes, not characters: 32768 two-byte characters are 65536 bytes', () => {
    expect(outcomes('é'.repeat(32_767))).toEqual(['PASSED', 'REJECTED']);
    expect(outcomes('é'.repeat(32_768))).toEqual(['NOT_LIMITED', 'NOT_LIMITED']);
  });
});
