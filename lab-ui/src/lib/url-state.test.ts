import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findScenario, formatHash, missingScenarioNotice, parseHash, scenarioUrlKey, shareableTime } from './url-state.ts';

// Replay a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`url-state property seed: ${seed} (set FC_SEED to replay)`);

describe('url state', () => {
  it('round-trips everything a person would share', () => {
    const state = { scenario: 'boundary-burst', variants: ['base', 'same-window'], seed: 7, t: 62_000, req: { variant: 'same-window', id: 'burster-101' }, tab: 'inspector' };
    const hash = formatHash(state);
    expect(hash).toBe('#s=boundary-burst&v=base,same-window&seed=7&t=62000&req=same-window/burster-101&tab=inspector');
    expect(parseHash(hash)).toEqual(state);
  });
  it('carries the panel chart by its stable id', () => {
    const state = { scenario: 'kong-bottleneck', variants: ['base', 'overload'], chart: 'latency' };
    expect(formatHash(state)).toBe('#s=kong-bottleneck&v=base,overload&chart=latency');
    expect(parseHash('#s=kong-bottleneck&v=base,overload&chart=latency')).toEqual(state);
  });
  it('shares an instant between milliseconds without going before it (a step in kong-bottleneck at 8190.3657 ms)', () => {
    // The link said t=8190 and opened one request short: 4,067 arrived instead of 4,068.
    expect(formatHash({ scenario: 'kong-bottleneck', t: 8190.365697298665 })).toBe('#s=kong-bottleneck&t=8190.366');
    expect(parseHash('#t=8190.366').t).toBeGreaterThanOrEqual(8190.365697298665);
    expect(shareableTime(62_000)).toBe(62_000);
  });
  it('never shares a time before the cursor, nor more than a microsecond after, and a shared time stays put', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 3_600_000, noNaN: true }), (t) => {
        const shared = parseHash(formatHash({ t })).t as number;
        expect(shared).toBeGreaterThanOrEqual(t);
        expect(shared - t).toBeLessThanOrEqual(0.001 + 1e-9);
        expect(parseHash(formatHash({ t: shared })).t).toBe(shared);
      }),
      { seed, numRuns: 500 },
    );
  });
  it('carries the variant the detail tabs describe', () => {
    const state = { scenario: 'boundary-burst', variants: ['base', 'same-window'], t: 61_000, tab: 'log', panel: 'same-window' };
    expect(formatHash(state)).toBe('#s=boundary-burst&v=base,same-window&t=61000&tab=log&panel=same-window');
    expect(parseHash(formatHash(state))).toEqual(state);
  });
  it('ignores what it cannot read', () => {
    expect(parseHash('#s=x&seed=abc&t=&req=nope')).toEqual({ scenario: 'x' });
    expect(parseHash('')).toEqual({});
    expect(formatHash({})).toBe('');
  });
});

describe('local scenarios in the URL', () => {
  const bundled = { id: 'boundary-burst', file: 'scenarios/rate-limiting/boundary-burst.yaml' };
  const mine = { id: 'boundary-burst', file: 'local/boundary-burst.yaml' };
  const mineAgain = { id: 'boundary-burst', file: 'local/boundary-burst-2.yaml' };
  const onlyMine = { id: 'my-scenario', file: 'local/my-scenario.yaml' };
  const catalog = [bundled, mine, mineAgain, onlyMine];

  it('a bundled scenario goes by its id, a local one by local: and its file name', () => {
    expect(scenarioUrlKey(bundled)).toBe('boundary-burst');
    expect(scenarioUrlKey(mine)).toBe('local:boundary-burst');
    expect(scenarioUrlKey(mineAgain)).toBe('local:boundary-burst-2');
    expect(formatHash({ scenario: scenarioUrlKey(mine), t: 5 })).toBe('#s=local:boundary-burst&t=5');
    expect(parseHash('#s=local:boundary-burst&t=5')).toEqual({ scenario: 'local:boundary-burst', t: 5 });
  });

  it('every entry is found again by its own key, even when ids collide', () => {
    for (const s of catalog) expect(findScenario(catalog, scenarioUrlKey(s))).toBe(s);
  });

  it('a bundled id opens the bundled scenario whatever order the catalog has', () => {
    expect(findScenario([mine, bundled], 'boundary-burst')).toBe(bundled);
  });

  it('local: never falls back to a bundled scenario; file paths and older id links still work', () => {
    expect(findScenario([bundled], 'local:boundary-burst')).toBeUndefined();
    expect(findScenario(catalog, 'local/boundary-burst-2.yaml')).toBe(mineAgain);
    expect(findScenario(catalog, 'my-scenario')).toBe(onlyMine);
    expect(findScenario(catalog, 'nowhere')).toBeUndefined();
  });

  it('a link to a scenario that is not here says why', () => {
    expect(missingScenarioNotice('local:my-scenario')).toContain("'my-scenario', one of someone's own scenarios");
    expect(missingScenarioNotice('nowhere')).toBe("The link names a scenario 'nowhere' that this lab does not have.");
  });
});
