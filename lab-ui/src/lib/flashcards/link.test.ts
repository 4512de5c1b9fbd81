import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from '../url-state.ts';
import { cardUrlState, docTarget } from './link.ts';
import { docSection } from './doc-section.ts';

describe('a card link as the lab URL', () => {
  it('maps the boundary-burst moment onto the hash the player reads', () => {
    const state = cardUrlState({ scenario: 'boundary-burst', variants: ['base', 'sliding-window', 'token-bucket'], tMs: 59_000, chart: 'rates', req: 'base/burster-101' });
    const hash = formatHash(state);
    expect(hash).toBe('#s=boundary-burst&v=base,sliding-window,token-bucket&t=59000&req=base/burster-101&chart=rates');
    expect(parseHash(hash)).toEqual(state);
  });

  it('leaves out what the card does not set, and a req without a variant', () => {
    expect(cardUrlState({ scenario: 'x', variants: ['base'], tMs: 0, req: 'nope' })).toEqual({ scenario: 'x', variants: ['base'], t: 0 });
  });

  it('splits a docs link into page and anchor', () => {
    expect(docTarget({ doc: 'docs/flashcards.md#business-logic-and-the-gateway' })).toEqual({ page: 'docs/flashcards.md', anchor: 'business-logic-and-the-gateway' });
    expect(docTarget({ doc: 'docs/flashcards.md' })).toEqual({ page: 'docs/flashcards.md', anchor: null });
  });

  it('cuts a docs page at the linked heading, skipping headings inside code fences', () => {
    const md = ['# Page', 'intro', '## The `first` part', 'one', '```', '# not a heading', '```', '### Sub', 'deeper', '## Second', 'two'].join('\n');
    expect(docSection(md, 'the-first-part')).toEqual({ heading: 'The first part', body: 'one\n```\n# not a heading\n```\n### Sub\ndeeper' });
    expect(docSection(md, 'second')?.body).toBe('two');
    expect(docSection(md, 'missing')).toBeNull();
  });
});
