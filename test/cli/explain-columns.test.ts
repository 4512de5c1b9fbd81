/**
 * The decision table of `gatelab explain` stays aligned whatever the stage names: its columns are as
 * wide as the longest entry shown (request-transformer, response-ratelimiting are longer than the
 * 12 characters the table used to allow).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatExplain } from '../../engine/cli/explain-format.ts';
import type { ExplainDecision, ExplainResult, ExplainWait } from '../../engine/runtimes/sim/explain.ts';
import { gatelab } from '../support/cli.ts';

/** The column where the reason starts: after two spaces and three padded columns. */
function reasonOffsets(lines: readonly string[], reasons: readonly string[]): number[] {
  return lines.map((line, i) => line.length - (reasons[i] as string).length);
}

describe('explain decision columns', () => {
  it('request-transformer (19 characters) in lesson snippet 06: every reason starts at the same offset', () => {
    const args = ['--config', 'scenarios/transforms/configs/06-kong-request-transformer.yaml', '--config', 'scenarios/transforms/configs/06-overlay.yaml', '--request', 'GET http://api.example.com/api/v1/catalog/items'];
    const text = gatelab(['explain', ...args]);
    const json = JSON.parse(gatelab(['explain', ...args, '--json']).stdout) as ExplainResult;
    expect(json.decisions.some((d) => d.plugin === 'request-transformer')).toBe(true);
    const lines = text.stdout.split('\n').slice(1, 1 + json.decisions.length);
    const offsets = reasonOffsets(lines, json.decisions.map((d) => d.reason));
    expect(new Set(offsets).size).toBe(1);
    // Each line is the decision's own: stage, phase and verdict, then its reason.
    lines.forEach((line, i) => {
      const d = json.decisions[i]!;
      expect(line.trimStart().split(/ +/).slice(0, 3)).toEqual([d.plugin, d.phase, d.verdict]);
      expect(line.endsWith(d.reason)).toBe(true);
    });
  });

  it('for any names, phases, verdicts and waits the reason column is one offset, and short tables keep the old widths', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
    console.log(`[fast-check] explain columns seed=${seed} (replay: FC_SEED=${seed})`);
    const name = fc.stringMatching(/^[a-z][a-z-]{0,29}$/);
    const decision = fc.record({ plugin: name, phase: name, verdict: fc.constantFrom('next', 'reply', 'wait'), reason: fc.string({ minLength: 1, maxLength: 40 }).map((s) => `r ${s}`) }) as fc.Arbitrary<ExplainDecision>;
    fc.assert(
      fc.property(fc.array(decision, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(8), { maxLength: 3 }), (decisions, waitAt) => {
        const waits: ExplainWait[] = waitAt.map((n, i) => ({ afterDecisions: Math.min(n, decisions.length), for: 'cpu', ms: 1, ended: 'ran', text: `w ${i}` }));
        const result: ExplainResult = { status: 200, route: null, backend: null, upstream: null, response: { headers: {}, body: null }, redirect: null, decisions, ...(waits.length ? { waits } : {}) };
        const lines = formatExplain({ method: 'GET', url: 'http://x/', clientIp: '192.0.2.1', repeat: 0 }, result).split('\n').slice(1, 1 + decisions.length + waits.length);
        // Put the texts in the order the table prints them, each wait before the decision it precedes.
        const texts: string[] = [];
        decisions.forEach((d, i) => {
          for (const w of waits) if (w.afterDecisions === i) texts.push(w.text);
          texts.push(d.reason);
        });
        for (const w of waits) if (w.afterDecisions === decisions.length) texts.push(w.text);
        lines.forEach((line, i) => expect(line.endsWith(texts[i] as string)).toBe(true));
        const offsets = new Set(reasonOffsets(lines, texts));
        expect(offsets.size).toBe(1);
        const widest = (xs: string[], min: number): number => Math.max(min, ...xs.map((x) => x.length));
        const stages = [...decisions.map((d) => d.plugin), ...(waits.length ? ['wait'] : [])];
        const phases = [...decisions.map((d) => d.phase), ...(waits.length ? ['cpu'] : [])];
        expect([...offsets][0]).toBe(2 + widest(stages, 12) + 1 + widest(phases, 8) + 1 + widest(decisions.map((d) => d.verdict), 5) + 1);
      }),
      { seed, numRuns: 300 },
    );
  });
});
