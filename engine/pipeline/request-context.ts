/** The context a request starts its pipeline with: the upstream request begins as the client's. */
import type { IncomingRequest, RequestContext } from './types.ts';

export function initialContext(request: IncomingRequest): RequestContext {
  return {
    request,
    clientIp: request.peerIp,
    upstream: {
      method: request.method,
      host: request.host,
      path: request.query ? `${request.path}?${request.query}` : request.path,
      // Plugins change the upstream's headers; the client's stay as they came for later phases.
      headers: request.headers.clone(),
      body: request.body,
      stream: request.stream,
    },
    vars: {},
  };
}
