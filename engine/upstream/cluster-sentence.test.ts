import { describe, expect, it } from 'vitest';
import type { ServiceIR } from '../config/ir.ts';
import { UpstreamCluster } from './cluster.ts';

const service: ServiceIR = {
  name: 'orders',
  id: 'orders',
  protocol: 'http',
  host: 'orders.internal',
  port: 80,
  targets: [
    { host: '10.0.0.1', port: 8080, weight: 100 },
    { host: '10.0.0.2', port: 8080, weight: 100 },
  ],
  retries: 0,
  connectTimeoutMs: 1000,
  readTimeoutMs: 1000,
  writeTimeoutMs: 1000,
};

// The balancer's reason is reused while it repeats (same object, so the lab's encoder compares it at
// once); whatever differs gives the sentence a fresh build would.
describe('UpstreamCluster.sendingSentence', () => {
  it('returns the same string object for a repeat, and the exact text for any change', () => {
    const cluster = new UpstreamCluster(service, 0);
    const first = cluster.sendingSentence(1, 0, 'GET', '/a', 'round robin: next in turn is 10.0.0.1:8080');
    expect(first).toBe('sending to orders at 10.0.0.1:8080 as GET /a — round robin: next in turn is 10.0.0.1:8080');
    const again = cluster.sendingSentence(1, 0, 'GET', `/${'a'}`, 'round robin: next in turn is 10.0.0.1:8080');
    expect(Object.is(again, first)).toBe(true);
    expect(cluster.sendingSentence(2, 0, 'GET', '/a', 'why')).toBe('try 2: sending to orders at 10.0.0.1:8080 as GET /a — why');
    expect(cluster.sendingSentence(2, 1, 'GET', '/a', 'why')).toBe('try 2: sending to orders at 10.0.0.2:8080 as GET /a — why');
    expect(cluster.sendingSentence(2, 1, 'POST', '/a', 'why')).toBe('try 2: sending to orders at 10.0.0.2:8080 as POST /a — why');
    expect(cluster.sendingSentence(2, 1, 'POST', '/b', 'why')).toBe('try 2: sending to orders at 10.0.0.2:8080 as POST /b — why');
    expect(cluster.sendingSentence(2, 1, 'POST', '/b', 'other')).toBe('try 2: sending to orders at 10.0.0.2:8080 as POST /b — other');
  });
});
