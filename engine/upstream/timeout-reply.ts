/**
 * The gateway's answers when the upstream did not answer in time, or not at all. Most gateways use their usual 504;
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

const FAILURE_WORDS = { connect: 'the connection failed', reset: 'the connection was reset', timeout: 'no answer in time' } as const;

/**
 * AWS API Gateway's answer to an integration that failed without timing out (connection refused or
 * reset): 504 with the INTEGRATION_FAILURE gateway response (semantics §5). Other gateways keep their
 * own answer (`null`: the caller asks the dialect). AWS's default body for this response is not in
 * our sources, so the body is gatelab's, and docs/dialects/native.md says so.
 */
export function integrationFailureReply(timeouts: TimeoutPolicyIR | undefined, failure: 'connect' | 'reset' | 'timeout'): ReplyVerdict | null {
  if (!timeouts || timeouts.flavour === 'generic') return null;
  const api = timeouts.flavour === 'aws-rest' ? 'REST API' : 'HTTP API';
  return {
    kind: 'reply',
    status: 504,
    // Named by kind, not by the host's message: the socket's error text differs between hosts.
    reason: `AWS ${api} integration failure: ${FAILURE_WORDS[failure]} — 504 INTEGRATION_FAILURE`,
    headers: [['content-type', 'application/json']],
    body: JSON.stringify({ message: 'Integration failure' }),
    data: { gatewayResponse: 'INTEGRATION_FAILURE' },
  };
}
