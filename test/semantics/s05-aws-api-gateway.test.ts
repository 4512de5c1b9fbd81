/** Semantics §5 (AWS API Gateway): what an integration timeout answers. */
import { describe, expect, it } from 'vitest';
import { timeoutReply } from '../../engine/upstream/timeout-reply.ts';
import type { ReplyVerdict } from '../../engine/pipeline/chain.ts';

const dialect = (message: string): ReplyVerdict => ({ kind: 'reply', status: 504, reason: message, headers: [], body: 'generic' });

describe('semantics §5 AWS API Gateway timeouts', () => {
  it('§5 integration timeout → 504 INTEGRATION_TIMEOUT, {"message":"Endpoint request timed out"}; REST default limit 29 s', () => {
    const r = timeoutReply({ connectMs: 60_000, perTryMs: 0, overallMs: 29_000, flavour: 'aws-rest' }, 'no answer', dialect);
    expect(r.status).toBe(504);
    expect(JSON.parse(r.body ?? '')).toEqual({ message: 'Endpoint request timed out' });
    expect(r.data).toMatchObject({ gatewayResponse: 'INTEGRATION_TIMEOUT', limitMs: 29_000 });
    expect(r.reason).toContain('REST API');
  });

  it('§5 HTTP APIs (fixed 30 s) answer the same 504; a generic timeout keeps the dialect’s own reply', () => {
    const http = timeoutReply({ connectMs: 60_000, perTryMs: 0, overallMs: 30_000, flavour: 'aws-http' }, 'no answer', dialect);
    expect([http.status, http.data?.['limitMs']]).toEqual([504, 30_000]);
    expect(http.reason).toContain('HTTP API');
    expect(timeoutReply({ connectMs: 1, perTryMs: 0, overallMs: 5, flavour: 'generic' }, 'no answer', dialect).body).toBe('generic');
  });
});
