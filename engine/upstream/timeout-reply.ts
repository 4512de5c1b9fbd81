/**
 * The gateway's answer when the upstream did not answer in time. Most gateways use their usual 504;
 * AWS API Gateway answers 504 with its own JSON body and error type (semantics §5: REST's 29 s
 * default, raisable for Regional and private REST APIs since June 2024; HTTP APIs fixed at 30 s).
 */
import type { ReplyVerdict } from '../pipeline/chain.ts';
import type { TimeoutPolicyIR } from './policy.ts';

export function timeoutReply(timeouts: TimeoutPolicyIR | undefined, why: string, dialectReply: (message: string) => ReplyVerdict): ReplyVerdict {
  if (!timeouts || timeouts.flavour === 'generic') return dialectReply(why);
  const limit = timeouts.overallMs || timeouts.perTryMs;
  const api = timeouts.flavour === 'aws-rest' ? 'REST API' : 'HTTP API';
  return {
    kind: 'reply',
    status: 504,
    reason: `AWS ${api} integration timeout: no answer within ${limit / 1000} s — 504 INTEGRATION_TIMEOUT (${why})`,
    headers: [
      ['content-type', 'application/json'],
      ['x-amzn-errortype', 'IntegrationTimeoutException'],
    ],
    body: JSON.stringify({ message: 'Endpoint request timed out' }),
    data: { gatewayResponse: 'INTEGRATION_TIMEOUT', limitMs: limit },
  };
}
