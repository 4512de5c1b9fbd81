import { describe, expect, it } from 'vitest';
import { and, not, setup } from 'xstate';
import { breakerMachine } from '../machines/circuit-breaker/machine.ts';
import { machineGraph } from './machine-graph.ts';
import { stateDiagram } from './state-diagram.ts';

/** The breaker as a student sees it in the lab; the text is the contract with the renderer. */
const BREAKER_DIAGRAM = `---
title: "circuit breaker (resilience4j)"
---
stateDiagram-v2
  [*] --> closed
  state "closed" as closed
  closed : calls pass, outcomes fill the sliding window
  state "open" as open
  open : calls fail fast for waitDurationInOpenState
  state "half_open" as half_open
  half_open : permittedNumberOfCallsInHalfOpenState trial calls decide
  closed --> open : result [tripped]
  open --> half_open : always [automaticWaitElapsed]
  open --> half_open : request [waitElapsed]
  half_open --> open : always [maxWaitElapsed]
  half_open --> open : result [trialFailed]
  half_open --> closed : result [trialPassed]
  classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px
  class open current
`;

/** A rollout-like machine with the shapes the breaker lacks: nesting, delays, ids, finals, a root edge. */
const rollout = {
  id: 'rollout',
  initial: 'idle',
  on: { ABORT: '.rolledBack' },
  states: {
    idle: { on: { START: 'running' } },
    running: {
      initial: 'step1',
      states: {
        step1: { after: { 5000: 'step2' } },
        step2: { always: { target: '#rollout.done', guard: 'healthy' }, on: { PAUSE: { target: '#paused' } } },
        'step 3': {},
      },
    },
    paused: { id: 'paused', on: { RESUME: 'running.step2', NOTE: { actions: 'log' } } },
    rolledBack: { type: 'final' },
    done: { type: 'final' },
  },
};

describe('stateDiagram: mermaid text from an xstate machine definition', () => {
  it('draws the circuit breaker machine (semantics §9 (resilience4j)) with its guards and the current state', () => {
    expect(stateDiagram(breakerMachine, { highlight: 'open', title: 'circuit breaker (resilience4j)' })).toBe(BREAKER_DIAGRAM);
  });

  it('leaves out transitions that stay in their state unless asked, and descriptions when asked', () => {
    const plain = stateDiagram(breakerMachine, { descriptions: false });
    expect(plain).not.toContain(' : calls pass');
    expect(plain).not.toContain('classDef');
    expect(plain.startsWith('stateDiagram-v2\n')).toBe(true);
    const m = setup({ guards: { ready: () => true } }).createMachine({ initial: 'a', states: { a: { on: { PING: { actions: [] }, SELF: { target: 'a', guard: 'ready' }, GO: 'b' } }, b: {} } });
    expect(stateDiagram(m)).toBe('stateDiagram-v2\n  [*] --> a\n  a --> b : GO\n');
    expect(stateDiagram(m, { selfTransitions: true })).toBe('stateDiagram-v2\n  [*] --> a\n  a --> a : PING\n  a --> a : SELF [ready]\n  a --> b : GO\n');
  });

  it('is generic: nested states, delays, #ids, final states, root transitions and awkward names', () => {
    expect(stateDiagram(rollout, { highlight: 'running.step2' })).toBe(`stateDiagram-v2
  [*] --> idle
  state running {
    [*] --> running__step1
    state "step1" as running__step1
    state "step2" as running__step2
    state "step 3" as running__step_3
    running__step1 --> running__step2 : after 5000ms
  }
  rolledBack --> [*]
  done --> [*]
  idle --> running : START
  running --> done : always [healthy] (step2 → done)
  running --> paused : PAUSE (step2 → paused)
  paused --> running : RESUME (paused → step2)
  idle --> rolledBack : ABORT
  running --> rolledBack : ABORT
  paused --> rolledBack : ABORT
  classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px
  class running__step2 current
`);
  });

  it('draws parallel regions split by -- (inside a composite, as mermaid requires), and names composed guards', () => {
    const m = setup({ guards: { a: () => true, b: () => true } }).createMachine({
      type: 'parallel',
      states: {
        traffic: { initial: 'stable', states: { stable: { on: { SHIFT: { target: 'canary', guard: and(['a', not('b')]) } } }, canary: {} } },
        health: { initial: 'ok', states: { ok: { on: { FAIL: 'bad' } }, bad: {} } },
      },
    });
    expect(stateDiagram(m)).toBe(`stateDiagram-v2
  state "machine" as machine__ {
    state traffic {
      [*] --> traffic__stable
      state "stable" as traffic__stable
      state "canary" as traffic__canary
      traffic__stable --> traffic__canary : SHIFT [a && !b]
    }
    --
    state health {
      [*] --> health__ok
      state "ok" as health__ok
      state "bad" as health__bad
      health__ok --> health__bad : FAIL
    }
  }
`);
  });

  it('says which states exist when the highlight names none, or names several', () => {
    expect(() => stateDiagram(breakerMachine, { highlight: 'halfopen' })).toThrow("state diagram: no state 'halfopen' (states: closed, open, half_open)");
    const twice = { initial: 'a', states: { a: { initial: 'x', states: { x: {} } }, b: { initial: 'x', states: { x: {} } } } };
    expect(() => stateDiagram(twice, { highlight: 'x' })).toThrow("'x' names several states; use a dotted path");
    expect(stateDiagram(twice, { highlight: 'b.x' })).toContain('class b__x current');
  });

  it('keeps mermaid syntax out of labels and quotes the title', () => {
    const m = { initial: 'a', states: { a: { description: 'one; two #3', on: { 'GO;NOW': 'b' } }, b: {} } };
    const text = stateDiagram(m, { title: 'a: "b"' });
    expect(text).toContain('title: "a: \\"b\\""');
    expect(text).toContain('a : one, two 3');
    expect(text).toContain('a --> b : GO,NOW');
  });

  it('the graph resolves every breaker edge to a state (the model test counts on it)', () => {
    const edges = machineGraph(breakerMachine).edges.filter((e) => e.target);
    expect(edges.map((e) => `${e.source.key}->${e.target?.key}`)).toEqual(['closed->open', 'open->half_open', 'open->half_open', 'half_open->open', 'half_open->open', 'half_open->closed']);
    expect(() => machineGraph({ initial: 'a', states: { a: { on: { GO: 'nowhere' } } } })).toThrow("cannot resolve target 'nowhere' from state 'a'");
  });
});
