import { describe, expect, it } from 'vitest';
import { stateDiagram } from '../../diagram/state-diagram.ts';
import { rolloutMachine } from './machine.ts';

describe('rollout state diagram (engine/diagram)', () => {
  it('draws every state of the rollout machine, the start, the finals and the guarded moves', () => {
    const text = stateDiagram(rolloutMachine, { title: 'canary rollout', highlight: 'paused' });
    for (const state of ['progressing', 'paused', 'promoted', 'rolledBack']) expect(text).toMatch(new RegExp(`\\b${state}\\b`));
    expect(text).toContain('[*] --> progressing');
    expect(text).toContain('promoted --> [*]');
    expect(text).toContain('rolledBack --> [*]');
    expect(text).toContain('progressing --> paused : tick [waits]');
    expect(text).toContain('paused --> progressing : observe [resumes]');
    expect(text).toContain('paused --> rolledBack : tick [rollsBack]');
    expect(text).toContain('class paused current');
  });

  it('with self transitions, the step advances inside a state are drawn too', () => {
    const text = stateDiagram(rolloutMachine, { selfTransitions: true });
    expect(text).toContain('progressing --> progressing : tick [advances]');
    expect(text).toContain('paused --> paused : observe [holds]');
  });
});
