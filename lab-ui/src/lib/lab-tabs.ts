/** The lab's detail tabs and panel charts: ids the URL carries, and the labels the views show. */
export type DetailTab = 'inspector' | 'requests' | 'log' | 'metrics' | 'trace' | 'pipeline' | 'machines';
export const DETAIL_TABS: ReadonlyArray<{ id: DetailTab; label: string }> = [
  { id: 'inspector', label: 'Request inspector' },
  { id: 'requests', label: 'Requests' },
  { id: 'log', label: 'Access log' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'trace', label: 'Trace' },
  { id: 'pipeline', label: 'Pipeline diagram' },
  // Listed only for a trace with breaker.transition events (views/DetailTabs.svelte).
  { id: 'machines', label: 'State machines' },
];

/**
 * Which chart every variant panel shows: the same one in each, so they compare side by side. The ids
 * are stable: the URL carries them (`chart=latency`), and links from outside the lab open them.
 */
export type PanelChart = 'rates' | 'limiter' | 'latency';
export const PANEL_CHARTS: ReadonlyArray<{ id: PanelChart; label: string }> = [
  { id: 'rates', label: 'Requests per second' },
  { id: 'limiter', label: 'Limiter state' },
  { id: 'latency', label: 'Latency split' },
];
