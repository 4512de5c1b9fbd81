/** The scenario browser's grouping and search, kept pure so it can be tested without a DOM. */
import type { ScenarioInfo } from '../../worker/protocol.ts';

export interface TopicGroup {
  topic: string;
  scenarios: ScenarioInfo[];
}

/** Every word of the query must appear in the id, title, summary, topic or a tag. */
export function matches(s: ScenarioInfo, query: string): boolean {
  const hay = [s.id, s.title, s.summary, s.topic, ...s.tags].join(' ').toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

export function groupByTopic(list: readonly ScenarioInfo[], query = ''): TopicGroup[] {
  const groups = new Map<string, ScenarioInfo[]>();
  for (const s of list) {
    if (!matches(s, query)) continue;
    let g = groups.get(s.topic);
    if (!g) groups.set(s.topic, (g = []));
    g.push(s);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([topic, scenarios]) => ({ topic, scenarios: scenarios.sort((a, b) => a.title.localeCompare(b.title)) }));
}

/** rate-limiting → Rate limiting */
export function topicTitle(topic: string): string {
  const words = topic.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
