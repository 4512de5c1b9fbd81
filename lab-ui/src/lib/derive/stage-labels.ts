/**
 * How the topology names its pipeline stages. The stage columns share a fixed strip of the picture,
 * so with many stages (kong-bottleneck's overload runs seven) or long names ("response-ratelimiting")
 * the names and the counts under the columns ran into each other and could not be read. When they
 * do not fit, even a little smaller, the columns are numbered and a key under the picture names each
 * stage with its counts. Widths are estimates from character counts: the text is not measured.
 */
import type { TopoLayout, TopoNode } from './topology.ts';

/** The font sizes the topology draws with, in viewBox units (TopologyView.svelte's styles). */
export const LABEL_FONT = 17;
export const COUNT_FONT = 15;
/** The smallest stage-name size still readable once the picture is scaled into a panel. */
export const MIN_LABEL_FONT = 12;
/** Average advance of a character as a share of the font size (bold sans and monospace alike). */
const CHAR_EM = 0.6;
/** Room kept between neighbouring labels. */
const GAP = 6;

export interface StageLabelPlan {
  /** 'names': each column carries its name and counts; 'numbers': a number, and the key says the rest. */
  mode: 'names' | 'numbers';
  /** The stage names' font size in 'names' mode. */
  fontSize: number;
}

const textWidth = (chars: number, font: number): number => chars * font * CHAR_EM;

/**
 * The plan for a layout's stage columns. `requests` bounds every count a column can show ("✓ 5000",
 * "429 × 160"), so the plan holds for the whole run rather than changing as the counts grow.
 */
export function planStageLabels(layout: Pick<TopoLayout, 'nodes'>, requests: number): StageLabelPlan {
  const stages = layout.nodes.filter((n) => n.kind === 'stage');
  if (stages.length < 2) return { mode: 'names', fontSize: LABEL_FONT };
  const pitch = (stages[1] as TopoNode).x - (stages[0] as TopoNode).x;
  const room = pitch - GAP;
  const digits = String(Math.max(1, requests)).length;
  // The widest count line: "429 × N" (status, two spaces and a sign) is wider than "✓ N".
  if (textWidth(6 + digits, COUNT_FONT) > room) return { mode: 'numbers', fontSize: LABEL_FONT };
  const longest = Math.max(...stages.map((s) => s.label.length));
  const fontSize = Math.min(LABEL_FONT, room / (longest * CHAR_EM));
  return fontSize >= MIN_LABEL_FONT ? { mode: 'names', fontSize } : { mode: 'numbers', fontSize: LABEL_FONT };
}

/**
 * A client's, replica's or backend's name cut to what fits over its box and a little beyond (a
 * Traefik service such as "shop-orders-8080@kubernetescrd" ran past the picture's edge).
 */
export function fitNodeLabel(label: string, width: number, font = LABEL_FONT): string {
  const max = Math.max(4, Math.floor((width + 2 * GAP) / (font * CHAR_EM)));
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

/**
 * The font size for a count under a node ("8703 inside", "237 copies ended"): the usual size while it
 * fits the node's width and a little beyond, smaller when a big number would run into the stage
 * column or the picture's edge beside it. The text is never cut: the number is the point.
 */
export function countFontSize(text: string, width: number, font = COUNT_FONT): number {
  return Math.min(font, (width + 2 * GAP) / (Math.max(1, text.length) * CHAR_EM));
}
