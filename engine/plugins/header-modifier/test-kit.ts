/** Test helpers shared by the Gateway API filter plugins: a collecting reporter and a small context. */
import type { ErrorCode } from '../../core/errors.ts';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { ConfigReporter, RequestContext } from '../../pipeline/types.ts';

export interface Reported {
  severity: 'error' | 'warning';
  path: string;
  code: ErrorCode;
  message: string;
}

export function collectingReporter(): ConfigReporter & { items: Reported[] } {
  const items: Reported[] = [];
  const push = (severity: Reported['severity']) => (path: Array<string | number>, code: ErrorCode, message: string) => {
    items.push({ severity, path: path.join('.'), code, message });
  };
  return { items, error: push('error'), warn: push('warning') };
}

export function fakeContext(): RequestContext {
  const headers = new HeaderMap([['Host', 'api.example.com']]);
  return {
    request: { id: 'req-1', method: 'GET', scheme: 'http', host: 'api.example.com', port: 80, path: '/', query: '', headers, peerIp: '203.0.113.7' },
    clientIp: '203.0.113.7',
    upstream: { method: 'GET', host: 'api.example.com', path: '/', headers: headers.clone() },
    vars: {},
  };
}
