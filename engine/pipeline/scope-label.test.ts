import { describe, expect, it } from 'vitest';
import type { ConsumerIR, RouteIR, ServiceIR } from '../config/ir.ts';
import { scopeLabel } from './scope-label.ts';

const ir = {
  routes: [{ id: 'r-uuid', name: 'orders-route' }] as RouteIR[],
  services: [{ id: 's-uuid', name: 'payments' }] as ServiceIR[],
  consumers: [{ id: 'c-uuid', username: 'ann', groups: [], credentials: [] }] as ConsumerIR[],
};

describe('scopeLabel: where a plugin instance is attached, by name', () => {
  it('names the route first, then the service, then the consumer, by id or by name', () => {
    expect(scopeLabel(ir, { route: 'r-uuid', service: 's-uuid' })).toBe('route orders-route');
    expect(scopeLabel(ir, { service: 's-uuid' })).toBe('service payments');
    expect(scopeLabel(ir, { service: 'payments' })).toBe('service payments');
    expect(scopeLabel(ir, { consumer: 'c-uuid' })).toBe('consumer ann');
  });

  it('shows an unknown reference as written, and nothing for a global instance', () => {
    expect(scopeLabel(ir, { service: 'gone' })).toBe('service gone');
    expect(scopeLabel(ir, {})).toBeUndefined();
  });
});
