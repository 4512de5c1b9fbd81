/** Backend models: which scenario backend answers for a service, and how it answers. */
import type { ServiceIR, TargetIR } from '../../config/ir.ts';
import type { BackendSpec } from '../../scenario/types.ts';

/** A backend that answers 200 at once: used when a scenario declares none for a service. */
export const INSTANT_BACKEND: BackendSpec = {
  name: '(implicit)',
  latency: { kind: 'constant', ms: 0 },
  errorRate: 0,
  errorStatus: 500,
  status: 200,
  headers: [],
};

/** Binds by service name first, then target host:port, then target host. */
export function findBackend(backends: readonly BackendSpec[], service: ServiceIR, target: TargetIR): BackendSpec {
  return (
    backends.find((b) => b.name === service.name) ??
    backends.find((b) => b.name === `${target.host}:${target.port}`) ??
    backends.find((b) => b.name === target.host) ??
    backends.find((b) => b.name === service.host) ??
    INSTANT_BACKEND
  );
}
