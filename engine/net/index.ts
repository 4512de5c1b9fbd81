/**
 * Networking rules shared by both hosts (simulation and real proxy): address lists, nginx realip,
 * the upstream headers Kong builds, hop-by-hop stripping, Traefik's ipStrategy. Pure and browser-safe.
 */
export {
  emptyCidrMatcher,
  parseCidrList,
  type CidrEntry,
  type CidrFlavor,
  type CidrIssue,
  type CidrListOptions,
  type CidrListResult,
  type CidrMatcher,
} from './cidr.ts';
export { isValidIp, normalizeIp, parseIp, type IpAddress, type IpFamily } from './ip-address.ts';
export { parseNginxAddrPort } from './nginx-addr.ts';
export { resolveRealIp, splitForwardedEntries, type RealIpInput, type RealIpResult } from './real-ip.ts';
export { HOP_BY_HOP_ALWAYS, kongHopByHop, parseConnectionTokens, stripHopByHop, type KongHopByHop } from './hop-by-hop.ts';
export {
  KONG_VIA_TOKEN,
  kongForwardedFor,
  kongForwardedValues,
  kongUpstreamForwarding,
  kongVia,
  pathWithoutQuery,
  type KongForwardedValues,
  type KongForwardingInput,
} from './forwarded-headers.ts';
export {
  compileIpStrategy,
  ipv6SubnetIp,
  selectSourceIp,
  traefikSourceIp,
  type IpStrategy,
  type IpStrategyRequest,
  type SourceIp,
  type TraefikIpStrategyConfig,
} from './ip-strategy.ts';
