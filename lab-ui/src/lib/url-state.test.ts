import { describe, expect, it } from 'vitest';
import { findScenario, formatHash, missingScenarioNotice, parseHash, scenarioUrlKey } from './url-state.ts';

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
