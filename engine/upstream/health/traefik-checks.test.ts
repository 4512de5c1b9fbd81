/**
 * passiveHealthCheck beside healthCheck, as traefik/traefik pkg/healthcheck/healthcheck.go has it:
 * NewPassiveHealthChecker(…, hasActiveHealthCheck) — the passive side calls SetStatus(false) and
 * starts no failureWindow timer; the active loop's SetStatus(true) after a passing probe is what puts
 * the server back. The active checker never hears of the passive take-out, so the server stays in its
 * healthy channel and is probed on the interval ticker.
 */
import { describe, expect, it } from 'vitest';
import type { TraefikActiveIR } from './traefik-active.ts';
import { traefikChecks } from './traefik-checks.ts';

const S = 1000;
const NAMES = ['10.0.5.1:8080', '10.0.5.2:8080'];
const active: TraefikActiveIR = { flavour: 'traefik', path: '/health', intervalMs: 5 * S, healthyIntervalMs: 10 * S, unhealthyIntervalMs: 5 * S, timeoutMs: 5 * S, healthyThreshold: 1, unhealthyThreshold: 1, healthyStatuses: [] };

describe('Traefik healthCheck with passiveHealthCheck (hasActiveHealthCheck)', () => {
  it('the passive take-out has no timer: only the next passing probe, on the interval ticker, brings the server back', () => {
    const c = traefikChecks({ kind: 'traefik', maxFailedAttempts: 1, failureWindowMs: 3 * S }, active, 2, 0, NAMES);
    expect(c?.shared).toBe(true);
    const out = c?.passive?.record(0, { status: 502 }, 1 * S);
    expect(out?.changed).toBe('unhealthy');
    expect(out?.reason).toContain('starts no failureWindow timer: the next passing healthCheck probe puts it back');
    // Long past failureWindow: still out, and no timer return.
    expect(c?.passive?.isHealthy(0, 9 * S)).toBe(false);
    expect(c?.passive?.returns?.(9 * S)).toEqual([]);
    expect(c?.active.isHealthy(0)).toBe(false);
    // Still in the active checker's healthy channel: not due on the 5 s unhealthy tick, due at 10 s.
    expect(c?.active.dueTargets(1)).toEqual([]);
    expect(c?.active.dueTargets(2)).toEqual([0, 1]);
    const back = c?.active.recordProbe(0, { status: 200 }, 10 * S);
    expect(back?.changed).toBe('healthy');
    expect(back?.reason).toContain('passiveHealthCheck took it out without a failureWindow timer');
    expect(c?.passive?.isHealthy(0, 10 * S)).toBe(true);
  });

  it('a server the active check took out is down for the passive side too, and a later passive failure changes nothing', () => {
    const c = traefikChecks({ kind: 'traefik', maxFailedAttempts: 1, failureWindowMs: 3 * S }, active, 1, 0, NAMES);
    c?.active.recordProbe(0, { status: 500 }, 10 * S);
    expect(c?.passive?.isHealthy(0, 10 * S)).toBe(false);
    expect(c?.passive?.record(0, { status: 500 }, 11 * S)?.changed).toBeUndefined();
  });

  it('without passiveHealthCheck: the active check alone; without healthCheck: none of this (passive.ts runs its timer)', () => {
    expect(traefikChecks(undefined, active, 1, 0, NAMES)?.passive).toBeUndefined();
    expect(traefikChecks({ kind: 'traefik', maxFailedAttempts: 1, failureWindowMs: 3 * S }, undefined, 1, 0, NAMES)).toBeUndefined();
  });
});
