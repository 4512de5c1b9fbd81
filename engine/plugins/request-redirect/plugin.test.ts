import { describe, expect, it } from 'vitest';
import { collectingReporter } from '../header-modifier/test-kit.ts';
import { parseRequestRedirectConfig } from './config.ts';
import { redirectLocation, type RedirectRequest, type RedirectSpec } from './location.ts';

const http80: RedirectRequest = { scheme: 'http', host: 'gw.example', listenerPort: 80, path: '/p', query: '' };
const http8080: RedirectRequest = { ...http80, host: 'gw.example:8080', listenerPort: 8080 };
const https443: RedirectRequest = { ...http80, scheme: 'https', listenerPort: 443 };

describe('RequestRedirect Location (semantics §7)', () => {
  it.each<[string, RedirectSpec, RedirectRequest, string]>([
    ['nothing set keeps scheme, host, listener port and path', {}, http80, 'http://gw.example/p'],
    ['listener 8080 shows its port', {}, http8080, 'http://gw.example:8080/p'],
    ['a scheme brings its well-known port', { scheme: 'https' }, http8080, 'https://gw.example/p'],
    ['http from an https listener drops to 80', { scheme: 'http' }, https443, 'http://gw.example/p'],
    ['an explicit default port is left out', { port: 80 }, http8080, 'http://gw.example/p'],
    ['an explicit other port is shown', { scheme: 'https', port: 8443 }, http80, 'https://gw.example:8443/p'],
    ['https on 443 from an https listener', { port: 443 }, https443, 'https://gw.example/p'],
    ['hostname replaces the Host, whose port never leaks', { hostname: 'example.org' }, http8080, 'http://example.org:8080/p'],
    ['full path replacement keeps the query', { path: { type: 'ReplaceFullPath', value: '/new' } }, { ...http80, query: 'a=1' }, 'http://gw.example/new?a=1'],
    ['prefix replacement', { path: { type: 'ReplacePrefixMatch', value: '/new' } }, { ...http80, path: '/old/x', matchedPrefix: '/old' }, 'http://gw.example/new/x'],
  ])('%s', (_name, spec, req, want) => {
    expect(redirectLocation(spec, req)).toBe(want);
  });

  it('status 302 by default; other codes validated', () => {
    const ok = collectingReporter();
    expect(parseRequestRedirectConfig({}, ok).statusCode).toBe(302);
    const bad = collectingReporter();
    parseRequestRedirectConfig({ statusCode: 305, scheme: 'ftp', port: 0 }, bad);
    expect(bad.items.map((i) => i.path)).toEqual(['scheme', 'port', 'statusCode']);
  });
});
