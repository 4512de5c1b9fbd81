/** Semantics §5 (AWS API Gateway): what an integration timeout or failure answers. */
import { describe, expect, it } from 'vitest';
import { integrationFailureReply, timeoutReply } from '../../engine/upstream/timeout-reply.ts';
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

describe('semantics §5 AWS API Gateway integration failure', () => {
  it('§5 a refused or reset integration → 504 INTEGRATION_FAILURE; a generic flavour leaves the answer to the dialect', () => {
    const r = integrationFailureReply({ connectMs: 60_000, perTryMs: 0, overallMs: 29_000, flavour: 'aws-rest' }, 'connect');
    expect(r?.status).toBe(504);
    expect(r?.data).toMatchObject({ gatewayResponse: 'INTEGRATION_FAILURE' });
    expect(r?.reason).toContain('REST API integration failure: the connection failed');
    expect(integrationFailureReply({ connectMs: 60_000, perTryMs: 0, overallMs: 30_000, flavour: 'aws-http' }, 'reset')?.reason).toContain('HTTP API integration failure: the connection was reset');
    expect(integrationFailureReply({ connectMs: 1, perTryMs: 0, overallMs: 5, flavour: 'generic' }, 'reset')).toBeNull();
    expect(integrationFailureReply(undefined, 'connect')).toBeNull();
  });
});
