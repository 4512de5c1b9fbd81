/**
 * The traefik dialect's behaviour around the plugin chain. A placeholder until its adapter lands:
 * configs of this dialect are refused at load time (engine/config/load-gateway.ts), so this is
 * never reached with a real config.
 */
import type { GatewayIR } from '../../config/ir.ts';
import type { DialectBehaviour } from '../dialect.ts';

export function createTraefikBehaviour(_ir: GatewayIR): DialectBehaviour {
  throw new Error('the traefik dialect is not implemented yet');
}
