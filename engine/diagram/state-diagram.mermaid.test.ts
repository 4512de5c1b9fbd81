// @vitest-environment jsdom
/**
 * The generated text must parse with the real mermaid (the lab renders it). Mermaid's parser needs a
 * DOM: under plain Node `mermaid.parse` fails with "DOMPurify.addHook is not a function", so this
 * file runs under jsdom. It parses only; layout and SVG need a browser (test/browser/).
 */
import { describe, expect, it } from 'vitest';
import { and, not, setup } from 'xstate';
import { breakerMachine } from '../machines/circuit-breaker/machine.ts';
import { stateDiagram } from './state-diagram.ts';

const nested = {
  id: 'rollout',
  initial: 'idle',
  on: { ABORT: '.rolledBack' },
  states: {
    idle: { on: { START: 'running' }, description: 'waiting: nothing shifted yet' },
    running: { initial: 'step1', states: { step1: { after: { 5000: 'step2' } }, step2: { always: { target: '#rollout.done', guard: 'healthy' } } } },
    rolledBack: { type: 'final' },
    done: { type: 'final' },
  },
};

const parallel = setup({ guards: { a: () => true, b: () => true } }).createMachine({
  initial: 'live',
  states: {
    live: {
      type: 'parallel',
      states: {
        traffic: { initial: 'stable', states: { stable: { on: { SHIFT: { target: 'canary', guard: and(['a', not('b')]) } } }, canary: {} } },
        health: { initial: 'ok', states: { ok: { on: { FAIL: 'bad' } }, bad: {} } },
      },
    },
  },
});

describe('stateDiagram output parses with mermaid', () => {
  it('semantics §9 (resilience4j): the breaker diagram, with title and highlight, in every state', async () => {
    const { default: mermaid } = await import('mermaid');
    for (const highlight of ['closed', 'open', 'half_open']) {
      await expect(mermaid.parse(stateDiagram(breakerMachine, { highlight, title: 'circuit breaker (resilience4j)' }))).resolves.toMatchObject({ diagramType: 'stateDiagram' });
    }
    await expect(mermaid.parse(stateDiagram(breakerMachine, { selfTransitions: true }))).resolves.toBeTruthy();
  }, 30_000);

  it('nested, delayed, final and parallel machines', async () => {
    const { default: mermaid } = await import('mermaid');
    await expect(mermaid.parse(stateDiagram(nested, { highlight: 'running.step2' }))).resolves.toBeTruthy();
    await expect(mermaid.parse(stateDiagram(parallel, { highlight: 'live.traffic.canary' }))).resolves.toBeTruthy();
    // A parallel machine at the root: its regions are split by `--` at the top level.
    await expect(mermaid.parse(stateDiagram({ type: 'parallel', states: parallel.config.states?.['live']?.states ?? {} }))).resolves.toBeTruthy();
  }, 30_000);

  it('a broken text is refused, so the checks above mean something', async () => {
    const { default: mermaid } = await import('mermaid');
    await expect(mermaid.parse('stateDiagram-v2\n  a --> : x\n')).rejects.toThrow();
  }, 30_000);
});
