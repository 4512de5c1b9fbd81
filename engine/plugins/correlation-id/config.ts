/** Kong `correlation-id` config (Kong 3.10 schema, semantics §6), with Kong's defaults. */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';

export type Generator = 'uuid' | 'uuid#counter' | 'tracker';

export interface CorrelationIdConfig {
  /** The header carrying the id upstream (default "Kong-Request-ID"). A non-empty one the client sent is kept. */
  header_name: string;
  /** uuid = a random v4 UUID per request; uuid#counter (default) = one UUID per worker + "#" + a counter; tracker = nginx connection facts. */
  generator: Generator;
  /** Also send the id back to the client in the response (default false). */
  echo_downstream: boolean;
}

export function parseCorrelationIdConfig(raw: unknown, report: ConfigReporter): CorrelationIdConfig {
  const r = new ConfigReader(raw, report, ['header_name', 'generator', 'echo_downstream'], [], 'correlation-id');
  const out: CorrelationIdConfig = {
    header_name: r.str('header_name', 'Kong-Request-ID'),
    generator: r.oneOf('generator', ['uuid', 'uuid#counter', 'tracker'] as const, 'uuid#counter'),
    echo_downstream: r.bool('echo_downstream', false),
  };
  if (!/^[A-Za-z0-9_-]+$/.test(out.header_name)) r.error('header_name', `bad header name '${out.header_name}'`);
  return out;
}
