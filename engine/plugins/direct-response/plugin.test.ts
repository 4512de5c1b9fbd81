import { describe, expect, it } from 'vitest';
import { collectingReporter, fakeContext } from '../header-modifier/test-kit.ts';
import { findVendorPlugin } from '../index.ts';
import { parseDirectResponseConfig } from './config.ts';
import { directResponsePlugin } from './plugin.ts';

describe('direct-response', () => {
  it('answers with the configured status and body', () => {
    expect(findVendorPlugin('gateway-api', 'DirectResponse')).toBe(directResponsePlugin);
    const r = collectingReporter();
    const config = parseDirectResponseConfig({ statusCode: 403, body: { string: 'Forbidden' } }, r);
    const v = directResponsePlugin.create(config, { instanceId: 'd', scope: {} }).access?.(fakeContext(), { now: () => 0, draw: () => 0, replica: 'gw-0' });
    expect(v).toMatchObject({ kind: 'reply', status: 403, body: 'Forbidden', headers: [['content-type', 'text/plain']] });
    expect(r.items).toEqual([]);
  });

  it('reports a status outside 200–599', () => {
    const r = collectingReporter();
    parseDirectResponseConfig({ statusCode: 99 }, r);
    expect(r.items[0]?.path).toBe('statusCode');
  });
});
