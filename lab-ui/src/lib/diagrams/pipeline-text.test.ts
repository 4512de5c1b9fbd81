// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { buildTraceIndex } from '../derive/trace-index.ts';
import { buildStageCounts } from '../derive/topology.ts';
import { syntheticTrace } from '../derive/testing/synthetic.ts';
import { pipelineMermaid } from './pipeline-text.ts';

describe('pipelineMermaid', () => {
  it('draws clients, replicas, stages in order and backends, with what each stage answered', () => {
    const index = buildTraceIndex(syntheticTrace([{ id: 'a', at: 1 }, { id: 'b', at: 2, reject: { status: 429, plugin: 'rate-limit', reason: 'x' } }]));
    const text = pipelineMermaid(index, buildStageCounts(index)(10_000));
    expect(text.split('\n')[0]).toBe('flowchart LR');
    expect(text).toContain('s_router --> s_rate_limit');
    expect(text).toContain('s_rate_limit --> s_balancer');
    expect(text).toContain('s_rate_limit -. 429 .-> c_reply');
    expect(text).toContain('s_balancer --> b_s[("s")]');
  });
});
