/**
 * Kong's request-termination through the Kong dialect. Rules cite
 * kong/plugins/request-termination/handler.lua (`access`, DEFAULT_RESPONSE) and schema.lua
 * (defaults, custom_validator); the priority is semantics §6's table.
 */
import { describe, expect, it } from 'vitest';
import { createExplainSession } from '../../runtimes/sim/explain.ts';
import { explainGet, KONG_ORDERS, kongIr } from '../../pipeline/test-kit.ts';
import { collectingReporter } from '../header-modifier/test-kit.ts';
import { findVendorPlugin } from '../index.ts';
import { parseRequestTerminationConfig } from './config.ts';
import { requestTerminationPlugin } from './plugin.ts';

const withPlugin = (config: string, more = ''): string => `${KONG_ORDERS}plugins:\n  - name: request-termination\n    config: ${config}\n${more}`;

async function get(yaml: string, url = 'http://api.example.com/orders', headers: Array<[string, string]> = []) {
  const r = await createExplainSession(kongIr(yaml), 1).send(explainGet({ url, headers }));
  const d = r.decisions.find((x) => x.plugin === 'request-termination');
  return { status: r.status, body: r.response.body, headers: r.response.headers, reason: d?.reason ?? '', backend: r.backend, decisions: r.decisions.map((x) => x.plugin) };
}

describe('Kong request-termination (handler.lua access)', () => {
  it('is Kong\'s request-termination at PRIORITY 2 (§6)', () => {
    expect(findVendorPlugin('kong', 'request-termination')).toBe(requestTerminationPlugin);
    expect(requestTerminationPlugin.priority).toBe(2);
  });

  it('defaults to 503 {"message":"Service unavailable"} and never calls the upstream', async () => {
    const r = await get(withPlugin('{}'));
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ message: 'Service unavailable' });
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.backend).toBeNull();
  });

  it('a code with no DEFAULT_RESPONSE text and no message answers with no body', async () => {
    const r = await get(withPlugin('{ status_code: 403 }'));
    expect(r.status).toBe(403);
    expect(r.body === '' || r.body === null || r.body === undefined).toBe(true);
    expect(r.reason).toContain('no body');
  });

  it('message replaces the default; body is sent raw with content_type', async () => {
    expect((await get(withPlugin('{ status_code: 410, message: "Moved to v2" }'))).body).toEqual({ message: 'Moved to v2' });
    const raw = await get(withPlugin('{ status_code: 200, body: "<h1>Maintenance</h1>", content_type: text/html }'));
    expect(raw.status).toBe(200);
    expect(raw.body).toBe('<h1>Maintenance</h1>');
    expect(raw.headers['content-type']).toBe('text/html');
  });

  it('trigger: only requests that carry the header or the query argument are terminated', async () => {
    const yaml = withPlugin('{ trigger: X-Debug }');
    expect((await get(yaml)).status).toBe(200);
    expect((await get(yaml, undefined, [['x-debug', '']])).status).toBe(503);
    const q = await get(yaml, 'http://api.example.com/orders?X-Debug');
    expect(q.status).toBe(503);
    expect(q.reason).toContain('query argument X-Debug');
  });

  it('echo answers with a JSON copy of the request and the matched route', async () => {
    const r = await get(withPlugin('{ status_code: 200, echo: true }'), 'http://api.example.com/orders?a=1', [['X-Test', 'yes']]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ request: { method: 'GET', path: '/orders', query: { a: '1' }, headers: { 'x-test': 'yes' } }, matched_route: { name: 'orders' } });
  });

  it('runs after every other access plugin, so an ip-restriction 403 comes first', async () => {
    const yaml = withPlugin('{}', '  - name: ip-restriction\n    config: { allow: [10.0.0.0/8] }\n');
    const r = await get(yaml);
    expect(r.status).toBe(403);
    expect(r.decisions).not.toContain('request-termination');
  });
});

describe('request-termination config (schema.lua)', () => {
  const parse = (raw: unknown) => {
    const r = collectingReporter();
    const c = parseRequestTerminationConfig(raw, r);
    return { c, msgs: r.items.map((i) => `${i.path}: ${i.message}`) };
  };

  it('status_code 100–599, default 503; echo default false', () => {
    expect(parse({}).c).toEqual({ status_code: 503, echo: false });
    expect(parse({ status_code: 600 }).msgs).toEqual(['status_code: value should be between 100 and 599, not 600']);
  });

  it('custom_validator: message with body, content_type without body, echo with body', () => {
    expect(parse({ message: 'm', body: 'b' }).msgs).toEqual(['message: message cannot be used with content_type or body']);
    expect(parse({ content_type: 'text/plain' }).msgs).toEqual(['content_type: content_type requires a body']);
    expect(parse({ echo: true, body: 'b' }).msgs).toEqual(['echo: echo cannot be used with content_type and body']);
  });

  it('trigger must be a header name', () => {
    expect(parse({ trigger: 'x y' }).msgs[0]).toContain('is not a header name');
  });
});
