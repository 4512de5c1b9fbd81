// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { machineDiagram, MACHINE_DEFINITIONS } from '../../../../engine/machines/definitions.ts';
import { buildMachineTimelines } from '../derive/machines.ts';
import { loadMachineDefinitions, timelineDiagram, timelineDiagramNotes } from './machine-definitions.ts';
import { edgeEnds, readableDiagram } from './readable-edges.ts';

const ARROW = /^\s*(\S+) --> (\S+) : (.+)$/;
const arrows = (text: string): Array<[string, string, string]> =>
  text.split('\n').flatMap((l) => {
    const m = ARROW.exec(l);
    return m ? [[m[1] as string, m[2] as string, m[3] as string] as [string, string, string]] : [];
  });

describe('readableDiagram: one short-labelled arrow per pair of states', () => {
  it('merges the rollout’s tick and observe arrows: progressing → rolledBack is drawn once, labelled by its condition', () => {
    const { text, edges } = readableDiagram(machineDiagram('canary-rollout', 'progressing') as string);
    expect(arrows(text)).toEqual([
      ['progressing', 'rolledBack', 'rollsBack'],
      ['progressing', 'promoted', 'promotes'],
      ['progressing', 'paused', 'waits'],
      ['paused', 'rolledBack', 'rollsBack'],
      ['paused', 'promoted', 'promotes'],
      ['paused', 'progressing', 'resumes'],
    ]);
    expect(edges.find((e) => e.from === 'progressing' && e.to === 'rolledBack')?.detail).toBe('rollsBack (checked on tick or observe)');
    expect(edges.find((e) => e.from === 'paused' && e.to === 'promoted')?.detail).toBe('promotes (checked on observe)');
    // Everything else is left as the generator wrote it: the start, the ends, the highlighted state.
    expect(text).toContain('[*] --> progressing');
    expect(text).toContain('promoted --> [*]');
    expect(text).toContain('class progressing current');
    expect(text.startsWith('---\ntitle: "canary rollout"\n---\nstateDiagram-v2')).toBe(true);
  });

  it('joins two conditions on one arrow (the breaker’s open → half_open) and keeps each with its event', () => {
    const { edges } = readableDiagram(machineDiagram('circuit-breaker', 'OPEN') as string);
    const wait = edges.find((e) => e.from === 'open' && e.to === 'half_open');
    expect(wait?.label).toBe('automaticWaitElapsed / waitElapsed');
    expect(wait?.detail).toBe('automaticWaitElapsed (checked on always); waitElapsed (checked on request)');
    expect(edgeEnds(wait!)).toBe('open → half_open');
  });

  it('an arrow without a guard is named by its events, and start and end read as words', () => {
    const { text, edges } = readableDiagram('stateDiagram-v2\n  [*] --> a\n  a --> b : go\n  a --> b : retry\n  b --> a : back [late]\n  b --> a : back [late]');
    expect(arrows(text)).toEqual([['a', 'b', 'go / retry'], ['b', 'a', 'late']]);
    expect(edges.map((e) => e.detail)).toEqual(['on go or retry', 'late (checked on back)']);
    expect(edgeEnds({ from: '[*]', to: '[*]', label: '', detail: '' })).toBe('start → end');
  });

  it('loses no transition: every event and guard of every machine is on its pair’s arrow or in its detail', () => {
    for (const name of Object.keys(MACHINE_DEFINITIONS)) {
      const raw = machineDiagram(name) as string;
      const { text, edges } = readableDiagram(raw);
      const pairs = new Set(arrows(text).map(([a, b]) => `${a}>${b}`));
      expect(pairs.size, `${name}: one arrow per pair`).toBe(arrows(text).length);
      for (const [from, to, label] of arrows(raw)) {
        const note = edges.find((e) => e.from === from && e.to === to);
        const [, event = '', guard] = /^(\S+)(?: \[(.+)\])?/.exec(label) ?? [];
        expect(note?.detail, `${name} ${from} → ${to}: ${label}`).toContain(event);
        if (guard) expect(note?.label, `${name} ${from} → ${to}`).toContain(guard);
      }
      // Short enough for mermaid to wrap into at most two lines beside an arrow.
      for (const e of edges) expect(e.label.length, `${name} ${e.label}`).toBeLessThanOrEqual(40);
    }
  });

  it('is what the lab renders for a timeline, with its notes', async () => {
    const defs = await loadMachineDefinitions();
    const [tl] = buildMachineTimelines([{ type: 'breaker.transition', t: 10, replica: 'controller', machine: 'canary-rollout', subject: 's', from: 'progressing', to: 'paused', reason: 'r' }]);
    const text = timelineDiagram(defs, tl!, 'paused');
    expect(text).toContain('class paused current');
    expect(arrows(text ?? '').filter(([a, b]) => a === 'progressing' && b === 'rolledBack')).toHaveLength(1);
    expect(timelineDiagramNotes(defs, tl!, 'paused')?.edges).toHaveLength(6);
  });
});
