/**
 * Where a card's "See it live" goes. A scenario moment becomes the lab's URL state (the player lands
 * on it as on any shared link); a docs page splits into the page and the heading anchor.
 */
import type { UrlState } from '../url-state.ts';
import type { CardDocLink, CardScenarioLink } from './types.ts';

export function cardUrlState(link: CardScenarioLink): UrlState {
  const out: UrlState = { scenario: link.scenario, variants: [...link.variants], t: link.tMs };
  if (link.chart) out.chart = link.chart;
  if (link.req) {
    const slash = link.req.indexOf('/');
    // The deck loader already refused a req without a variant; a malformed one is simply not selected.
    if (slash > 0) out.req = { variant: link.req.slice(0, slash), id: link.req.slice(slash + 1) };
  }
  return out;
}

export interface DocTarget {
  page: string;
  anchor: string | null;
}

export function docTarget(link: CardDocLink): DocTarget {
  const hash = link.doc.indexOf('#');
  return hash < 0 ? { page: link.doc, anchor: null } : { page: link.doc.slice(0, hash), anchor: link.doc.slice(hash + 1) };
}
