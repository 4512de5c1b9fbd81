/**
 * From a schema-valid parsed scenario to the `Scenario` the sim consumes: milliseconds, rates per
 * second, config sources with their own source maps, and every cross-reference checked.
 */
import type { Diagnostic } from '../core/errors.ts';
import type { JsonPath, SourceMap } from '../config/yaml-source.ts';
import type { BackendChange, Expectation, Scenario, TimedEvent, VariantSpec } from './types.ts';
import type { RawDuration, RawScenario } from './raw.ts';
import { durationAt, instantAt, report, type ConvertContext, type SafeReader } from './convert-context.ts';
import { backends, clients, latencyModel } from './convert-models.ts';
import { capacitySpec, frontBalancer } from './convert-capacity.ts';
import { gatewaySpec } from './convert-gateway.ts';
import { kubernetesSpec } from './convert-kubernetes.ts';
import { expectation, type ExpectRefs } from './convert-expect.ts';
import { nearest } from './edit-distance.ts';
import { parseIsoInstant } from './instants.ts';
import { parseCanaryRolloutConfig, type CanaryRolloutConfig } from '../plugins/canary-rollout/config.ts';

export interface ConvertInput {
  /** The parsed YAML value; the schema has already accepted it. */
  value: unknown;
  map: SourceMap;
  file: string;
  read: SafeReader;
  /** Which variant this value is (`base` for the file as written). */
  variant: string;
}

export function convertScenario(input: ConvertInput): { scenario: Scenario; diagnostics: Diagnostic[] } {
  const raw = input.value as RawScenario;
  const ctx: ConvertContext = {
    file: input.file,
    map: input.map,
    read: input.read,
    diagnostics: [],
    startMs: 0,
    durationMs: Infinity,
  };
  const start = parseIsoInstant(raw.start);
  if (start === undefined) report(ctx, 'GL_E_INSTANT', ['start'], `'${raw.start}' is not a real UTC time`, 'check the month, day and time fields');
  ctx.startMs = start ?? 0;
  const durationMs = durationAt(ctx, raw.duration, ['duration']);
  if (durationMs === 0) report(ctx, 'GL_E_DURATION', ['duration'], 'the scenario duration must be longer than 0', 'give the run a length, such as 1m');
  ctx.durationMs = durationMs;

  const kubernetes = raw.kubernetes !== undefined ? kubernetesSpec(ctx, raw.kubernetes, ['kubernetes']) : undefined;
  if (kubernetes && raw.replicas !== undefined && raw.replicas !== kubernetes.deployment.replicas) {
    report(ctx, 'GL_E_SCHEMA', ['replicas'], `replicas: ${raw.replicas} disagrees with the Deployment's ${kubernetes.deployment.replicas}`, 'with kubernetes, the Deployment sets the replica count: remove replicas', { key: true });
  }
  if (kubernetes?.hpa && raw.gateway.capacity === undefined) {
    report(ctx, 'GL_W_NO_EFFECT', ['kubernetes'], `HorizontalPodAutoscaler ${kubernetes.hpa.name} scales on CPU utilisation, which only the capacity model measures: without gateway.capacity the HPA is skipped`, 'set gateway.capacity (cpu) to let the HPA act', { severity: 'warning', key: true });
  }
  const replicas = kubernetes?.deployment.replicas ?? raw.replicas ?? 1;
  const variantNames = Object.keys(raw.variants ?? {});
  for (const name of variantNames) {
    if (name === 'base') {
      report(ctx, 'GL_E_VARIANT', ['variants', 'base'], "'base' names the scenario as written and cannot be a variant", 'choose another name', { key: true });
    }
    const patch = raw.variants?.[name]?.patch ?? {};
    if (Object.prototype.hasOwnProperty.call(patch, 'variants')) {
      report(ctx, 'GL_E_VARIANT', ['variants', name, 'patch', 'variants'], 'a variant cannot patch the variants', 'remove variants from the patch', { key: true });
    }
  }
  const clientSpecs = clients(ctx, raw.clients);
  const backendSpecs = backends(ctx, raw.backends ?? []);
  const refs: ExpectRefs = { variant: input.variant, clients: clientSpecs.map((c) => c.id), variants: ['base', ...variantNames], replicas };

  const expect: Expectation[] = (raw.expect ?? []).map((e, i) => expectation(ctx, e, ['expect', i], refs));
  const variants: VariantSpec[] = [{ name: 'base', title: raw.title, verify: raw.verify ?? false, patch: {}, path: [] }];
  for (const name of variantNames) {
    const v = raw.variants?.[name];
    if (!v) continue;
    variants.push({ name, ...(v.title !== undefined ? { title: v.title } : {}), verify: v.verify ?? false, patch: v.patch, path: ['variants', name] });
    (v.expect ?? []).forEach((e, i) => expect.push(expectation(ctx, e, ['variants', name, 'expect', i], refs, name)));
  }

  const scenario: Scenario = {
    file: input.file,
    id: raw.id,
    title: raw.title,
    topic: raw.topic,
    summary: raw.summary,
    tags: [...(raw.tags ?? [])],
    start: ctx.startMs,
    seed: raw.seed ?? 1,
    durationMs,
    gateway: gatewaySpec(ctx, raw.gateway, ['gateway']),
    replicas,
    ...(kubernetes ? { kubernetes } : {}),
    ...frontBalancer(ctx, raw.frontBalancer),
    ...(raw.gateway.capacity !== undefined ? { capacity: capacitySpec(ctx, raw.gateway.capacity, ['gateway', 'capacity']) } : {}),
    network: {
      clientToGateway: latencyModel(ctx, raw.network?.clientToGateway, ['network', 'clientToGateway']),
      gatewayToBackend: latencyModel(ctx, raw.network?.gatewayToBackend, ['network', 'gatewayToBackend']),
    },
    clients: clientSpecs,
    backends: backendSpecs,
    events: events(ctx, raw, backendSpecs.map((b) => b.name), kubernetes?.nodes),
    ...(raw.rollout !== undefined ? { rollout: rolloutController(ctx, raw.rollout) } : {}),
    narration: (raw.narration ?? [])
      .map((n, i) => ({ atMs: instantAt(ctx, n.at, ['narration', i, 'at']), text: n.text }))
      // Stable sort: captions written for the same instant keep their order.
      .sort((a, b) => a.atMs - b.atMs),
    variants,
    expect,
    snapshotsAtMs: snapshots(expect),
    map: input.map,
  };
  return { scenario, diagnostics: ctx.diagnostics };
}

function events(ctx: ConvertContext, raw: RawScenario, backendNames: string[], nodes: string[] | undefined): TimedEvent[] {
  const out: TimedEvent[] = [];
  (raw.events ?? []).forEach((e, i) => {
    const path = ['events', i];
    const atMs = instantAt(ctx, e.at, [...path, 'at']);
    const until = (d: RawDuration | undefined, p: JsonPath): number => (d === undefined ? Infinity : durationAt(ctx, d, p));
    if (e.outage) {
      const target = e.outage.backend;
      // `redis` (or `store`) names the shared counter store, which is not a declared backend.
      if (target !== 'redis' && target !== 'store') {
        checkBackend(ctx, target, backendNames, [...path, 'outage', 'backend'], 'name one of the scenario backends, or redis for the counter store');
      }
      out.push({ kind: 'outage', atMs, target, durationMs: until(e.outage.duration, [...path, 'outage', 'duration']) });
    } else if (e.config) {
      if (e.config.capacity !== undefined) {
        report(ctx, 'GL_E_SCHEMA', [...path, 'config', 'capacity'], 'a config event cannot change capacity', 'set gateway.capacity on the scenario (or in a variant patch)', { key: true });
      }
      out.push({ kind: 'config', atMs, gateway: gatewaySpec(ctx, e.config, [...path, 'config']) });
    } else if (e.degrade) {
      const d = e.degrade;
      const p = [...path, 'degrade'];
      // The counter store has no error rate or latency model to change; only an outage reaches it.
      const store = d.backend === 'redis' || d.backend === 'store';
      checkBackend(ctx, d.backend, backendNames, [...p, 'backend'], store ? 'degrade changes a declared backend; take the counter store down with an outage instead' : 'name one of the scenario backends');
      if (d.errorRate === undefined && d.errorStatus === undefined && d.latency === undefined) {
        report(ctx, 'GL_E_SCHEMA', p, 'degrade changes nothing', 'add at least one of errorRate, errorStatus, latency', { key: true });
      }
      const change: BackendChange = {
        ...(d.errorRate !== undefined ? { errorRate: d.errorRate } : {}),
        ...(d.errorStatus !== undefined ? { errorStatus: d.errorStatus } : {}),
        ...(d.latency !== undefined ? { latency: latencyModel(ctx, d.latency, [...p, 'latency']) } : {}),
      };
      out.push({ kind: 'degrade', atMs, target: d.backend, durationMs: until(d.duration, [...p, 'duration']), change });
    } else if (e.deploy || e.drain) {
      const which = e.deploy ? 'deploy' : 'drain';
      if (!nodes) {
        report(ctx, 'GL_E_SCHEMA', [...path, which], `a ${which} event needs the gateway's Kubernetes workload`, 'add kubernetes: { files: [...] } with the gateway\'s Deployment', { key: true });
        return;
      }
      if (e.deploy) {
        if (e.deploy.config?.capacity !== undefined) {
          report(ctx, 'GL_E_SCHEMA', [...path, 'deploy', 'config', 'capacity'], 'a deploy cannot change capacity', 'set gateway.capacity on the scenario (or in a variant patch)', { key: true });
        }
        out.push({
          kind: 'deploy', atMs,
          ...(e.deploy.config ? { gateway: gatewaySpec(ctx, e.deploy.config, [...path, 'deploy', 'config']) } : {}),
          ...(e.deploy.pauseAfter !== undefined ? { pauseAfter: e.deploy.pauseAfter } : {}),
        });
      } else if (e.drain) {
        if (!nodes.includes(e.drain.node)) {
          const guess = nearest(e.drain.node, nodes);
          report(ctx, 'GL_E_SCHEMA', [...path, 'drain', 'node'], `unknown node '${e.drain.node}'`, guess ? `did you mean '${guess}'?` : `name one of kubernetes.nodes: ${nodes.join(', ')}`);
        }
        out.push({ kind: 'drain', atMs, node: e.drain.node });
      }
    }
  });
  // Stable: events at the same instant fire in the order written, as the event queue would.
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** An event's backend must be declared; the hint guesses the intended name, or says what would fit. */
function checkBackend(ctx: ConvertContext, target: string, backendNames: string[], path: JsonPath, otherwise: string): void {
  if (backendNames.includes(target)) return;
  const guess = nearest(target, backendNames);
  report(ctx, 'GL_E_SCHEMA', path, `unknown backend '${target}'`, guess ? `did you mean '${guess}'?` : otherwise);
}

/** The controller's plan, read by the canary-rollout plugin's own parser so both accept the same YAML. */
function rolloutController(ctx: ConvertContext, raw: unknown): CanaryRolloutConfig {
  const at = (path: Array<string | number>): JsonPath => ['rollout', ...path];
  const config = parseCanaryRolloutConfig(raw, {
    error: (path, code, message, hint) => report(ctx, code, at(path), message, hint),
    warn: (path, code, message, hint) => report(ctx, code, at(path), message, hint, { severity: 'warning' }),
  });
  const forcing = config.header ? 'header' : config.cookie ? 'cookie' : undefined;
  if (forcing) {
    report(ctx, 'GL_E_SCHEMA', at([forcing]), `a rollout controller only sets weights; forcing by ${forcing} is the gateway's job`, 'route by header or cookie in the gateway config (an HTTPRoute header match, canary-by-header)', { key: true });
  }
  return config;
}

function snapshots(expect: Expectation[]): number[] {
  const at = new Set<number>();
  for (const e of expect) if (e.subject.kind === 'state') at.add(e.subject.atMs);
  return [...at].sort((a, b) => a - b);
}
