/**
 * Every command's usage errors through the real binary: exit 2, the option and what it takes, and the
 * pointer to the command's --help (the shared parsing in engine/cli/args.ts, per command's declaration).
 */
import { describe, expect, it } from 'vitest';
import { gatelab } from '../support/cli.ts';

const GOOD = 'test/cli/fixtures/good.yaml';
const KONG = 'test/cli/fixtures/orders-kong.yaml';
const REQUEST = ['--request', 'GET http://api.example.com/api/v1/orders/1'];

const cases: Array<[string, string[], string]> = [
  ['run', ['run', GOOD, '--level', 'loud'], "--level must be summary, decisions or full, not 'loud'"],
  ['run', ['run', GOOD, '--seed', 'soon'], "--seed takes a whole number ≥ 0, not 'soon'"],
  ['run', ['run', GOOD, '--variant', 'nope'], `no variant 'nope' in ${GOOD}; it has: base`],
  ['verify', ['verify', GOOD, '--tolerance', '150'], "--tolerance takes a percentage from 0 to 100, not '150'"],
  ['verify', ['verify', GOOD, '--variant', 'nope'], `no variant 'nope' in ${GOOD}; it has: base`],
  ['attack', ['attack', GOOD, '--claim', 'max 1 per 1s', '--runs', '0'], "--runs takes a whole number ≥ 1, not '0'"],
  ['attack', ['attack', GOOD, '--claim', 'max 1 per 1s', '--evaluator', 'quick'], "--evaluator must be auto, fast or sim, not 'quick'"],
  ['explain', ['explain', '--config', KONG, ...REQUEST, '--upstream-status', '42'], "--upstream-status takes a whole number from 100 to 599, not '42'"],
  ['explain', ['explain', '--scenario', GOOD, '--at', '1s', '--variant', 'nope'], `no variant 'nope' in ${GOOD}; it has: base`],
  ['explain', ['explain', '--config', KONG, '-H'], '-H needs a value ("Name: value")'],
  // Bare `explain` names both forms: a scenario user told only "--config" would go the wrong way.
  ['explain', ['explain'], 'explain needs --config FILE (one request through a fresh gateway) or --scenario FILE (a request at an instant of a run)'],
  ['translate', ['translate', KONG, '--to', 'nginx'], "--to must be ir, gateway-api, kong or traefik, not 'nginx'"],
  ['translate', ['translate', KONG, '--to', 'ir', '--format', 'bogus'], "--format must be kong, gateway-api, ingress-nginx, traefik or ir, not 'bogus'"],
  ['translate', ['translate', '--to', 'ir'], 'translate needs at least one config file'],
  ['lint', ['lint', '--strict'], 'lint needs at least one file'],
  ['check', ['check', '--fast'], "unknown option '--fast'; the options are -h/--help"],
  ['serve', ['serve'], 'serve needs --config FILE'],
  ['serve', ['serve', '--config', KONG, '--workers', '0'], "--workers takes a whole number from 1 to 64, not '0'"],
  ['serve', ['serve', '--config', KONG, '--log', 'xml'], "--log must be nginx or json, not 'xml'"],
  ['serve', ['serve', '--config', KONG, '--grace', 'soon'], "--grace takes a whole number ≥ 0, not 'soon'"],
  ['serve', ['serve', '--config', KONG, '--listen', 'nowhere'], "--listen takes HOST:PORT, e.g. 127.0.0.1:8000, not 'nowhere'"],
  ['serve', ['serve', '--config', KONG, 'extra.yaml'], "unexpected argument 'extra.yaml'"],
  ['serve', ['serve', '--config', KONG, '--tls-cert', 'c.pem'], '--tls-cert and --tls-key go together'],
];

describe('usage errors, one wording in every command', () => {
  it.each(cases)('%s: %j', (name, argv, message) => {
    const r = gatelab(argv);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`gatelab ${name}: ${message}\nRun "gatelab ${name} --help" for usage.`);
    expect(r.stdout).toBe('');
  });
});
