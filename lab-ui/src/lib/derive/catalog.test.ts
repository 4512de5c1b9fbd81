// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { ScenarioInfo } from '../../worker/protocol.ts';
import { groupByTopic, topicTitle } from './catalog.ts';

const s = (id: string, topic: string, tags: string[] = [], title = id): ScenarioInfo => ({
  file: `scenarios/${topic}/${id}.yaml`, id, title, topic, summary: `about ${id}`, tags, seed: 1, start: 0, durationMs: 1000, variants: [], narration: [], diagnostics: [],
});

describe('scenario catalog', () => {
  const list = [s('boundary-burst', 'rate-limiting', ['fixed-window', 'kong']), s('jwt-expiry', 'auth', ['jwt']), s('token-bucket', 'rate-limiting', ['bucket'])];
  it('groups by topic, sorted', () => {
    expect(groupByTopic(list).map((g) => [g.topic, g.scenarios.map((x) => x.id)])).toEqual([
      ['auth', ['jwt-expiry']],
      ['rate-limiting', ['boundary-burst', 'token-bucket']],
    ]);
  });
  it('searches every word across id, title, summary, topic and tags', () => {
    expect(groupByTopic(list, 'kong window').flatMap((g) => g.scenarios.map((x) => x.id))).toEqual(['boundary-burst']);
    expect(groupByTopic(list, 'RATE')).toHaveLength(1);
    expect(groupByTopic(list, 'nothing-like-this')).toEqual([]);
  });
  it('titles topics', () => {
    expect(topicTitle('rate-limiting')).toBe('Rate limiting');
  });
});
