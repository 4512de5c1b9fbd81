/**
 * One kind of credential of a config's consumers, gathered once per plugin instance: the lookup an
 * auth plugin makes on every request walks a flat list instead of every consumer's every credential,
 * and hands back the same entry object each time instead of a fresh pair.
 */
import type { ConsumerIR, CredentialIR } from '../../config/ir.ts';
import { constantTimeEqual, constantTimeEqualUnits, hasSurrogate, type FoundCredential } from './kong-auth.ts';

export interface CredentialEntry extends FoundCredential {
  /** The credential's field value the lookup compares with. */
  readonly stored: string;
  /** What `authenticate` records for it (id and identifier are the credential id), made once. */
  readonly identity: { readonly id: string; readonly identifier: string };
}

interface Row {
  entry: CredentialEntry;
  /** Decided once: a stored value without surrogates compares by code units when the given one has none either. */
  surrogate: boolean;
}

export class CredentialTable {
  private readonly rows: Row[] = [];

  constructor(consumers: readonly ConsumerIR[], kind: string, field: string) {
    for (const consumer of consumers) {
      for (const credential of consumer.credentials) {
        if (credential.kind !== kind) continue;
        const stored = credential.fields[field];
        if (typeof stored !== 'string') continue;
        this.rows.push({ entry: entryOf(consumer, credential, stored), surrogate: hasSurrogate(stored) });
      }
    }
  }

  /**
   * The first credential (consumer order, then credential order) whose value equals `value` as UTF-8,
   * as findCredential answers; every row is compared in constant time, none skipped after a match.
   */
  find(value: string): CredentialEntry | undefined {
    const valueSurrogate = hasSurrogate(value);
    let found: CredentialEntry | undefined;
    for (const row of this.rows) {
      const equal = valueSurrogate || row.surrogate ? constantTimeEqual(row.entry.stored, value) : constantTimeEqualUnits(row.entry.stored, value);
      if (equal && !found) found = row.entry;
    }
    return found;
  }
}

function entryOf(consumer: ConsumerIR, credential: CredentialIR, stored: string): CredentialEntry {
  return { consumer, credential, stored, identity: { id: credential.id, identifier: credential.id } };
}
