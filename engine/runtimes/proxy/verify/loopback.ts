/**
 * verify sends from real source addresses, and only on loopback: every address a scenario uses (CDN
 * edges, 10.0.0.0/8, documentation ranges) is mapped one to one into 127.20.0.0/16, and trusted CIDRs
 * gain the mapped address of every client they contained, so per-IP and CDN scenarios keep their meaning.
 */
import { parseCidrList } from '../../../net/cidr.ts';
import type { GatewayIR } from '../../../config/ir.ts';

export class LoopbackMap {
  private readonly map = new Map<string, string>();

  constructor(addresses: Iterable<string>) {
    let n = 1;
    for (const a of addresses) {
      if (this.map.has(a)) continue;
      if (n > 65_000) throw new Error('more than 65,000 distinct client addresses; verify maps them into 127.20.0.0/16');
      this.map.set(a, `127.20.${Math.floor(n / 256)}.${n % 256}`);
      n++;
    }
  }

  toLoopback(address: string): string {
    const hit = this.map.get(address);
    if (!hit) throw new Error(`no loopback address for ${address}`);
    return hit;
  }

  /** The IR with each trusted range extended by the loopback twins of the clients inside it. */
  mapTrusted(ir: GatewayIR): GatewayIR {
    if (!ir.realIp) return ir;
    const { matcher } = parseCidrList(ir.realIp.trustedCidrs);
    const extra = [...this.map.entries()].filter(([real]) => matcher.contains(real)).map(([, lo]) => `${lo}/32`);
    return { ...ir, realIp: { ...ir.realIp, trustedCidrs: [...ir.realIp.trustedCidrs, ...extra] } };
  }
}
