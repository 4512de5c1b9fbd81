/**
 * The names Traefik's Kubernetes CRD provider gives routers, services and middlewares, so the trace,
 * `explain` and the dashboard a student knows all say the same thing: a router is
 * `<namespace>-<ingressroute>-<first 10 bytes of sha256(rule) in hex>@kubernetescrd`, a Kubernetes
 * Service behind a port `<namespace>-<service>-<port>@kubernetescrd`, a TraefikService or Middleware
 * `<namespace>-<name>@kubernetescrd`. Source: traefik/traefik pkg/provider/kubernetes/crd
 * (makeServiceKey, makeID, fullServiceName) and pkg/provider (Normalize).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export const PROVIDER = 'kubernetescrd';

/** provider.Normalize: runs of anything but letters and digits become one `-`. */
export function normalizeName(name: string): string {
  return name.split(/[^\p{L}\p{N}]+/u).filter(Boolean).join('-');
}

export function routerName(namespace: string, ingressRoute: string, rule: string): string {
  const hash = bytesToHex(sha256(new TextEncoder().encode(rule))).slice(0, 20);
  return `${normalizeName(`${namespace}-${ingressRoute}-${hash}`)}@${PROVIDER}`;
}

export function kubernetesServiceName(namespace: string, service: string, port: string | number | undefined): string {
  const base = port === undefined || port === '' || port === 0 ? `${namespace}-${service}` : `${namespace}-${service}-${port}`;
  return `${normalizeName(base)}@${PROVIDER}`;
}

export function objectKey(namespace: string, name: string): string {
  return `${normalizeName(`${namespace}-${name}`)}@${PROVIDER}`;
}
