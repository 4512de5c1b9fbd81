/**
 * `gatelab explain --scenario` reads or refuses every option; none is dropped in silence. Those that
 * make sense against a run work (--seed, --format, --now, --cookie, --repeat), the others are a usage
 * error (exit 2) that names the option and says what to do instead.
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const BURST = 'scenarios/rate-limiting/boundary-burst.yaml';
const WAR_STORY = 'scenarios/capacity/kong-bottleneck.yaml';
const KONG = 'test/cli/fixtures/kong-trusted.yaml';

interface Explained {
  status: number;
  upstream: { headers: Record<string, string> };
  response: { headers: Record<string, string> };
  decisions: Array<{ plugin: string; phase: string; reason: string }>;
}

function json(args: string[]): Explained {
  const r = gatelab(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Explained;
}

describe('explain --scenario: options that are refused, each by name', () => {
  it.each([
    ['--config', ['--config', KONG], "--config cannot be combined with --scenario: the scenario's gateway section is the config"],
    ['--upstream-status', ['--upstream-status', '503'], "--upstream-status cannot be combined with --scenario: the scenario's backends answer; to script the upstream, use --config FILE…"],
    ['--upstream-response-header', ['--upstream-response-header', 'Retry-After: 1'], '--upstream-response-header cannot be combined with --scenario'],
    ['--at with --now', ['--now', '2026-01-01T12:00:01Z'], 'give --at OFFSET or --now ISO, not both'],
  ])('%s', (_name, extra, message) => {
    const r = gatelab(['explain', '--scenario', BURST, '--at', '1s', ...extra]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['--request', ['--request', 'GET http://api.example.com/api/x']],
    ['--header', ['-H', 'X-Debug: 1']],
    ['--cookie', ['--cookie', 'a=b']],
    ['--client-ip', ['--client-ip', '192.0.2.1']],
    ['--repeat', ['--repeat', '3']],
  ])('%s changes the request, so it is refused with --client', (name, extra) => {
    const r = gatelab(['explain', '--scenario', BURST, '--client', 'burst', '--at', '1s', ...extra]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${name} cannot be combined with --client: --client explains the request the client really sent`);
  });

  it.each(['at', 'client', 'variant'])('--%s without --scenario is a usage error, not ignored', (name) => {
    const r = gatelab(['explain', '--config', KONG, '--request', 'GET http://api.example.com/api/x', `--${name}`, name === 'at' ? '1s' : 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--${name} works only with --scenario FILE`);
  });

  it('--now before the scenario starts is refused, naming the start', () => {
    const r = gatelab(['explain', '--scenario', BURST, '--now', '2026-01-01T11:59:00Z']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--now 2026-01-01T11:59:00Z is before the scenario's start (2026-01-01T12:00:00Z)");
  });

  it('without --at, --now or --client the usage error names all three', () => {
    const r = gatelab(['explain', '--scenario', BURST]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('explain --scenario needs --at OFFSET (or --now ISO)');
    expect(r.stderr).toContain('--client ID');
  });
});

describe('explain --scenario: options that work', () => {
  it('--now is the same instant as the --at it stands for', () => {
    const byAt = json(['explain', '--scenario', BURST, '--variant', 'same-window', '--at', '59s500ms', '--json']);
    const byNow = json(['explain', '--scenario', BURST, '--variant', 'same-window', '--now', '2026-01-01T12:00:59.500Z', '--json']);
    expect(byNow).toEqual(byAt);
    expect(byNow.status).toBe(429);
  });

  it('--seed replaces the scenario seed: the per-request draws (a generated X-Request-ID) follow it', () => {
    const base = ['explain', '--scenario', WAR_STORY, '--at', '200ms', '--json'];
    const own = json(base).upstream.headers['x-request-id'];
    // kong-bottleneck's own seed is 9: naming it changes nothing, another seed changes the draw.
    expect(json([...base, '--seed', '9']).upstream.headers['x-request-id']).toBe(own);
    const other = json([...base, '--seed', '10']).upstream.headers['x-request-id'];
    expect(other).toMatch(/^[0-9a-f-]{36}$/);
    expect(other).not.toBe(own);
  });

  it('--format reads the scenario gateway config as that dialect', () => {
    // boundary-burst declares no gateway.format: kong is what detection finds anyway; read as the IR
    // its Kong fields are unknown, and as Traefik it has no router at all.
    expect(json(['explain', '--scenario', BURST, '--at', '1s', '--format', 'kong', '--json']).status).toBe(200);
    const ir = gatelab(['explain', '--scenario', BURST, '--at', '1s', '--format', 'ir']);
    expect(ir.status).toBe(2);
    expect(ir.stderr).toContain("error GL_E_UNKNOWN_FIELD: unknown field '_format_version'");
    const traefik = gatelab(['explain', '--scenario', BURST, '--at', '1s', '--format', 'traefik', '--json']);
    expect(traefik.status).toBe(0);
    expect(JSON.parse(traefik.stdout).status).toBe(404);
  });

  it('--format that disagrees with the scenario gateway.format is refused', () => {
    const r = gatelab(['explain', '--scenario', WAR_STORY, '--at', '1s', '--format', 'kong']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--format kong disagrees with the scenario's gateway.format ir");
  });

  it('--cookie joins the request as one Cookie header, after one the request has already', () => {
    const out = json(['explain', '--scenario', BURST, '--at', '1s', '-H', 'Cookie: a=1', '--cookie', 'b=2', '--cookie', 'c=3', '--json']);
    expect(out.upstream.headers['cookie']).toBe('a=1; b=2; c=3');
  });

  it('--repeat sends identical requests first at the same instant: the explained one sees them counted (semantics §1 fixed windows)', () => {
    const one = json(['explain', '--scenario', BURST, '--at', '1s', '--json']);
    const six = json(['explain', '--scenario', BURST, '--at', '1s', '--repeat', '5', '--json']);
    const left = (r: Explained): number => Number(r.response.headers['x-ratelimit-remaining-minute']);
    expect(left(six)).toBe(left(one) - 5);
  });
});
