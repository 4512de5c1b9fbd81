/**
 * Config of the canary-rollout plugin: which two services, the rollout plan (steps, pauses, gates),
 * the health analysis, and how a request may force a backend. Field names are camelCase, like
 * Flagger's and Argo Rollouts' CRDs the plan imitates. `parseCanaryRolloutConfig` fills defaults and
 * reports bad fields (with the nearest known name) instead of throwing.
 */
import type { RolloutPlan } from '../../machines/rollout/plan.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { readAnalysis, readSteps, type StatusRange } from './config-plan.ts';

export type { StatusRange } from './config-plan.ts';

export interface CanaryHeaderForce {
  /** Header that can force a backend (ingress-nginx `canary-by-header`). */
  name: string;
  /**
   * With a value: the header equal to it → canary, any other value → the weight decides
   * (`canary-by-header-value`). Without: `always` → canary, `never` → primary, else the weight.
   */
  value?: string;
}

export interface CanaryRolloutConfig {
  /** Service name of the stable version (required): it takes every request the canary does not. */
  primary: string;
  /** Service name of the new version (required). */
  canary: string;
  /**
   * The plan for the pure rollout function. YAML: `steps` (default [5, 10, 25, 50, 100]: percent, or
   * `{weight, pause, at, gate}` each), `stepDuration` or its alias `pause` (default 1m, how long each
   * step is held), `gate` (default health: advance only when the canary is healthy; time: advance
   * when the pause is over), and `analysis` {window 1m, maxErrorRate 0.01, minRequests 20,
   * maxFailedChecks 1}.
   */
  plan: RolloutPlan;
  /** Upstream statuses that count as a failed canary request (`analysis.failedStatuses`, default 500–599). */
  failedStatuses: StatusRange[];
  /** Force a backend by header; unset = no header forcing. */
  header?: CanaryHeaderForce;
  /** Force a backend by this cookie: value `always` → canary, `never` → primary (ingress-nginx `canary-by-cookie`). */
  cookie?: string;
}

const FIELDS = ['primary', 'canary', 'steps', 'stepDuration', 'pause', 'gate', 'analysis', 'header', 'cookie'];
const HEADER_FIELDS = ['name', 'value'];
/** RFC 9110 token characters: what a header or cookie name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseCanaryRolloutConfig(raw: unknown, report: ConfigReporter): CanaryRolloutConfig {
  const r = new ConfigReader(raw, report, FIELDS, [], 'canary-rollout');
  const primary = r.str('primary', '');
  const canary = r.str('canary', '');
  if (primary === '') r.error('primary', 'primary must name the service of the stable version', 'primary: orders-v1');
  if (canary === '') r.error('canary', 'canary must name the service of the new version', 'canary: orders-v2');
  if (primary !== '' && primary === canary) r.error('canary', `canary and primary are both '${primary}': a rollout needs two services`);

  const steps = readSteps(r);
  const analysis = readAnalysis(r);
  const out: CanaryRolloutConfig = { primary, canary, plan: { steps, analysis: analysis.analysis }, failedStatuses: analysis.failedStatuses };

  if (r.has('header')) {
    const h = r.sub('header', HEADER_FIELDS);
    const name = h.str('name', '');
    if (!TOKEN.test(name)) h.error('name', `header.name must be a header name, not '${name}'`, 'header: { name: X-Canary, value: "true" }');
    else out.header = { name };
    const value = h.str('value');
    if (value !== undefined && out.header) out.header.value = value;
  }
  const cookie = r.str('cookie');
  if (cookie !== undefined) {
    if (TOKEN.test(cookie)) out.cookie = cookie;
    else r.error('cookie', `cookie must be a cookie name, not '${cookie}'`);
  }
  return out;
}
