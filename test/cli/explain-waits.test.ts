/**
 * `gatelab explain --scenario` on a saturated replica tells where the probe waited: its CPU waits
 * stand between the decisions they delayed, in the words of the lab's inspector (capacity/wait-story.ts).
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const WAR_STORY = 'scenarios/capacity/kong-bottleneck.yaml';

describe('gatelab explain --scenario on a saturated replica', () => {
  it('--json lists the waits, each after the decisions that came before it', () => {
    const r = gatelab(['explain', '--scenario', WAR_STORY, '--variant', 'overload', '--at', '5s', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { decisions: Array<{ plugin: string }>; waits: Array<{ afterDecisions: number; for: string; ms: number; text: string }> };
    expect(out.waits.length).toBeGreaterThan(0);
    const own = out.waits[0]!;
    // The request's own CPU work is queued right after routing: after the router's decision.
    expect(out.decisions[own.afterDecisions - 1]?.plugin).toBe('router');
    expect(own.for).toBe('cpu');
    // At 5 s the quarter core is far behind: the work waits a second or more.
    expect(own.ms).toBeGreaterThan(500);
    expect(own.text).toMatch(/^its own work \(proxying and plugins\): waited [\d.]+ s for the CPU/);
  });

  it('the text form prints the waits as lines between the decisions', () => {
    const r = gatelab(['explain', '--scenario', WAR_STORY, '--variant', 'overload', '--at', '5s']);
    const lines = r.stdout.split('\n');
    const router = lines.findIndex((l) => l.trimStart().startsWith('router'));
    expect(lines[router + 1]).toMatch(/^ {2}wait +cpu +its own work \(proxying and plugins\): waited/);
  });

  it('without a capacity model there is no waits field (the --json contract is unchanged)', () => {
    const out = JSON.parse(gatelab(['explain', '--scenario', 'scenarios/rate-limiting/boundary-burst.yaml', '--at', '1s', '--json']).stdout);
    expect(out).not.toHaveProperty('waits');
  });
});
