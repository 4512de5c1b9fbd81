// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ScenarioInfo } from '../../worker/protocol.ts';
import { groupByTopic, lessonSectionOf, queryWords, stem, topicTitle } from './catalog.ts';
import { LESSON_SECTIONS } from './lesson-sections.ts';

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

describe("the lesson's headings find the scenarios that teach them", () => {
  // The shipped scenarios' searchable fields, read from their files as the build's catalog reads them.
  const shipped: ScenarioInfo[] = readdirSync('scenarios').flatMap((dir) =>
    readdirSync(`scenarios/${dir}`)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => {
        const y = parse(readFileSync(`scenarios/${dir}/${f}`, 'utf8')) as { id: string; title: string; summary?: string; topic: string; tags?: string[] };
        return { ...s(y.id, y.topic, y.tags ?? [], y.title), summary: y.summary ?? '' };
      }),
  );
  const found = (q: string): string[] => groupByTopic(shipped, q).flatMap((g) => g.scenarios.map((x) => x.id));

  it('lists only scenarios that exist', () => {
    const ids = new Set(shipped.map((x) => x.id));
    for (const sec of LESSON_SECTIONS) for (const id of sec.scenarios) expect(ids.has(id), `${sec.title}: ${id}`).toBe(true);
  });
  it('finds every section by its heading as the lesson writes it, and names the section', () => {
    for (const sec of LESSON_SECTIONS) {
      expect(found(sec.title), sec.title).toEqual(expect.arrayContaining([...sec.scenarios]));
      expect(lessonSectionOf(sec.title)?.title).toBe(sec.title);
    }
  });
  it('finds what a student types after reading a section (each found nothing before)', () => {
    expect(found('circuit breaking')).toEqual(expect.arrayContaining(['circuit-breaker-states', 'outlier-ejection']));
    expect(found('request transformation')).toContain('request-transformer-snippet');
    expect(found('distributed tracing')).toContain('trace-propagation');
    expect(found('metrics')).toContain('bottleneck-diagnosis');
    expect(found('connection draining')).toContain('deploy-502-blip');
    expect(found('Ingress vs Gateway API')).toContain('role-separation');
    expect(found('gateway vs load balancer')).toContain('proxy-lb-gateway');
    // Still every word: a word no scenario has still finds nothing.
    expect(found('circuit zebra')).toEqual([]);
    expect(stem('breaking')).toBe('break');
    expect(queryWords('Ingress vs. Gateway API')).toEqual(['ingress', 'gateway', 'api']);
  });
});
