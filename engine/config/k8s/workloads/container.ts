/**
 * The parts of a pod template's container that decide how a gateway replica starts, stops and is
 * measured: resources (the HPA's Utilization is usage ÷ requests.cpu), lifecycle.preStop (the sleep
 * that covers the endpoint-removal lag) and readinessProbe (when a new pod joins the endpoints).
 */
import type { JsonPath } from '../../yaml-source.ts';
import { parseCpuMillis, parseMemoryBytes } from './quantity.ts';
import { isObj, secondsToMs, type Reader } from './read-kit.ts';

export type PreStop =
  /** A hook that only waits: `exec` of `sleep N` (through a shell or not) or the `sleep` action. */
  | { kind: 'sleep'; ms: number; via: 'exec' | 'sleep-action' }
  /** Anything else (httpGet, a script): how long it runs is not in the YAML. */
  | { kind: 'other'; detail: string };

export interface ReadinessProbe {
  initialDelayMs: number;
  periodMs: number;
  failureThreshold: number;
  successThreshold: number;
}

export interface ContainerSpec {
  name: string;
  cpuRequestMillis?: number;
  cpuLimitMillis?: number;
  memoryRequestBytes?: number;
  memoryLimitBytes?: number;
  preStop?: PreStop;
  readiness?: ReadinessProbe;
}

const CONTAINER_FIELDS = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'];

export function readContainer(r: Reader, at: JsonPath): ContainerSpec | undefined {
  const raw = r.get(at);
  if (!isObj(raw)) {
    r.error(at, 'a container must be a mapping with at least a name');
    return undefined;
  }
  r.unknownFields(at, CONTAINER_FIELDS, 'a container');
  const name = raw['name'];
  if (typeof name !== 'string' || name === '') {
    r.error(at, 'a container needs a name (strategic-merge patches merge containers by it)', 'name: gateway');
    return undefined;
  }
  const c: ContainerSpec = { name };
  readResources(r, [...at, 'resources'], c);
  const preStop = readPreStop(r, [...at, 'lifecycle', 'preStop']);
  if (preStop) c.preStop = preStop;
  const probe = readProbe(r, [...at, 'readinessProbe']);
  if (probe) c.readiness = probe;
  return c;
}

function readResources(r: Reader, at: JsonPath, c: ContainerSpec): void {
  for (const kind of ['requests', 'limits'] as const) {
    const v = r.get([...at, kind]);
    if (v === undefined || v === null) continue;
    if (!isObj(v)) {
      r.error([...at, kind], `resources.${kind} must be a mapping (cpu, memory)`);
      continue;
    }
    if (v['cpu'] !== undefined) {
      const cpu = parseCpuMillis(v['cpu']);
      if (cpu === undefined) r.error([...at, kind, 'cpu'], `${JSON.stringify(v['cpu'])} is not a CPU quantity`, 'write cores ("1", "0.5") or millicores ("250m")');
      else if (kind === 'requests') c.cpuRequestMillis = cpu;
      else c.cpuLimitMillis = cpu;
    }
    if (v['memory'] !== undefined) {
      const mem = parseMemoryBytes(v['memory']);
      if (mem === undefined) r.error([...at, kind, 'memory'], `${JSON.stringify(v['memory'])} is not a memory quantity`, 'write "256Mi", "1Gi" (binary) or "1G" (decimal)');
      else if (kind === 'requests') c.memoryRequestBytes = mem;
      else c.memoryLimitBytes = mem;
    }
  }
  // Kubernetes defaults a missing request to the limit, and refuses a request above its limit.
  if (c.cpuRequestMillis === undefined && c.cpuLimitMillis !== undefined) c.cpuRequestMillis = c.cpuLimitMillis;
  if (c.memoryRequestBytes === undefined && c.memoryLimitBytes !== undefined) c.memoryRequestBytes = c.memoryLimitBytes;
  if (c.cpuRequestMillis !== undefined && c.cpuLimitMillis !== undefined && c.cpuRequestMillis > c.cpuLimitMillis) r.error([...at, 'requests', 'cpu'], 'requests.cpu must be less than or equal to limits.cpu');
  if (c.memoryRequestBytes !== undefined && c.memoryLimitBytes !== undefined && c.memoryRequestBytes > c.memoryLimitBytes) r.error([...at, 'requests', 'memory'], 'requests.memory must be less than or equal to limits.memory');
}

/** `sleep 15`, `sleep 15s`, `sleep 1m` (GNU and busybox sleep accept a unit suffix). */
const SLEEP = /^\s*(?:exec\s+)?sleep\s+(\d+(?:\.\d+)?)([smhd]?)\s*(.*)$/;
const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function readPreStop(r: Reader, at: JsonPath): PreStop | undefined {
  const hook = r.get(at);
  if (hook === undefined || hook === null) return undefined;
  if (!isObj(hook)) {
    r.error(at, 'lifecycle.preStop must be a mapping with one handler (exec, httpGet, tcpSocket or sleep)');
    return undefined;
  }
  if (isObj(hook['sleep'])) {
    const s = r.int([...at, 'sleep', 'seconds'], -1, 0);
    if (s === undefined || s < 0) {
      if (s === -1) r.error([...at, 'sleep'], 'the sleep action needs seconds', 'sleep: { seconds: 15 }');
      return undefined;
    }
    return { kind: 'sleep', ms: secondsToMs(s), via: 'sleep-action' };
  }
  const cmd = isObj(hook['exec']) ? hook['exec']['command'] : undefined;
  if (Array.isArray(cmd) && cmd.every((p) => typeof p === 'string')) {
    const words = cmd as string[];
    // ["/bin/sh", "-c", "sleep 15"] or ["sleep", "15"]: the shell form is the lesson's.
    const line = /(^|\/)(ba|da)?sh$/.test(words[0] ?? '') && words[1] === '-c' ? (words[2] ?? '') : words.join(' ').replace(/^\/(usr\/)?bin\//, '');
    const m = SLEEP.exec(line);
    if (m) {
      const ms = Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 1000);
      if (m[3]) r.warn([...at, 'exec', 'command'], 'GL_W_NO_EFFECT', `the preStop command does more than sleep ("${m[3]}"); gatelab models only the ${ms / 1000} s sleep`);
      return { kind: 'sleep', ms, via: 'exec' };
    }
    r.warn([...at, 'exec', 'command'], 'GL_W_NO_EFFECT', 'this preStop command is not a plain sleep, so how long it delays SIGTERM is not in the YAML; gatelab treats it as taking no time', 'write `sleep N`, or the sleep action: sleep: { seconds: N }');
    return { kind: 'other', detail: words.join(' ') };
  }
  const kind = Object.keys(hook)[0] ?? 'empty';
  r.warn(at, 'GL_W_NO_EFFECT', `a ${kind} preStop hook takes as long as its handler answers; gatelab treats it as taking no time`);
  return { kind: 'other', detail: kind };
}

function readProbe(r: Reader, at: JsonPath): ReadinessProbe | undefined {
  const probe = r.get(at);
  if (probe === undefined || probe === null) return undefined;
  if (!isObj(probe)) {
    r.error(at, 'readinessProbe must be a mapping');
    return undefined;
  }
  // Defaults from k8s.io/api core/v1 Probe: initialDelaySeconds 0, periodSeconds 10, thresholds 3 and 1.
  const initial = r.int([...at, 'initialDelaySeconds'], 0, 0);
  const period = r.int([...at, 'periodSeconds'], 10, 1);
  const failure = r.int([...at, 'failureThreshold'], 3, 1);
  const success = r.int([...at, 'successThreshold'], 1, 1);
  if (initial === undefined || period === undefined || failure === undefined || success === undefined) return undefined;
  return { initialDelayMs: secondsToMs(initial), periodMs: secondsToMs(period), failureThreshold: failure, successThreshold: success };
}

/**
 * When a pod whose app can serve `appReadyMs` after its container starts first passes its readiness
 * probe: the kubelet probes at initialDelay, then every period, and needs successThreshold passes in a
 * row. Without a probe the pod is ready as soon as its container runs.
 */
export function readyAfterMs(appReadyMs: number, probe: ReadinessProbe | undefined): number {
  if (!probe) return appReadyMs;
  const k = Math.max(0, Math.ceil((appReadyMs - probe.initialDelayMs) / probe.periodMs));
  return probe.initialDelayMs + (k + probe.successThreshold - 1) * probe.periodMs;
}
