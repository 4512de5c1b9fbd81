/** The scenario browser's grouping and search, kept pure so it can be tested without a DOM. */
import type { ScenarioInfo } from '../../worker/protocol.ts';
import { LESSON_SECTIONS, lessonWordsById, type LessonSection } from './lesson-sections.ts';

export interface TopicGroup {
  topic: string;
  scenarios: ScenarioInfo[];
}

/** Words that carry no topic: "Gateway vs. Load Balancer" or "auth at the edge" must not need them. */
const STOP_WORDS = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'to', 'at', 'in', 'on', 'for', 'with', 'vs', 'versus', 'via', 'is', 'are', 'how', 'why', 'what', 'when', 'you', 'your', 'by', 'as', 'from', 'into', 'it', 'its']);
const SUFFIXES = ['ations', 'ation', 'ions', 'ion', 'ings', 'ing', 'ers', 'er', 'ies', 'es', 's', 'ed'];

/** "breaking" → "break", "transformation" → "transform": the word's stem, at least 4 letters kept. */
export function stem(word: string): string {
  for (const suffix of SUFFIXES) if (word.length - suffix.length >= 4 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  return word;
}

/** The query's words, lower case, without punctuation or stop words ("Ingress vs. Gateway API" → ingress, gateway, api). */
export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w !== '' && !STOP_WORDS.has(w));
}

const lessonWords = lessonWordsById();

/**
 * Every word of the query must appear, as typed or by its stem, in the id, title, summary, topic, a
 * tag, or the heading and words of a lesson section that lists the scenario (lesson-sections.ts). It
 * matched whole words as typed only: "circuit breaking", "request transformation" and the lesson's
 * own headings found nothing.
 */
export function matches(s: ScenarioInfo, query: string): boolean {
  const hay = [s.id, s.title, s.summary, s.topic, ...s.tags, lessonWords.get(s.id) ?? ''].join(' ').toLowerCase();
  return queryWords(query).every((w) => hay.includes(w) || hay.includes(stem(w)));
}

/** The lesson section whose heading the query names (every word in its title or words), if any. */
export function lessonSectionOf(query: string): LessonSection | undefined {
  const words = queryWords(query);
  if (words.length === 0) return undefined;
  return LESSON_SECTIONS.find((sec) => {
    const hay = `${sec.title} ${sec.words}`.toLowerCase();
    return words.every((w) => hay.includes(w) || hay.includes(stem(w)));
  });
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
