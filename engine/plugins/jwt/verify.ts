/**
 * Signature verification through jose (WebCrypto), the one asynchronous step of JWT checking. The
 * plugin asks for it as an `async` effect; because a signature over the same bytes with the same key
 * never changes its answer, the effect carries a memo key of (token, key) and a host may reuse it.
 */
import { compactVerify, importJWK, importSPKI, type JWK } from 'jose';
import type { Effect } from '../../pipeline/types.ts';

/** What the verification effect resolves to. `keyError` means the key itself could not be used. */
export interface SignatureCheck {
  valid: boolean;
  keyError?: string;
}

/** Key material for one check: raw HMAC secret bytes, a PEM public key, or a JWK (jwt-remote). */
export type VerifyKey = { kind: 'secret'; bytes: Uint8Array } | { kind: 'pem'; pem: string } | { kind: 'jwk'; jwk: JWK };

async function toCryptoKey(key: VerifyKey, alg: string): Promise<CryptoKey | Uint8Array> {
  if (key.kind === 'secret') return key.bytes;
  if (key.kind === 'pem') return importSPKI(key.pem, alg);
  return (await importJWK(key.jwk, alg)) as CryptoKey | Uint8Array;
}

export async function verifySignature(token: string, alg: string, key: VerifyKey): Promise<SignatureCheck> {
  let cryptoKey: CryptoKey | Uint8Array;
  try {
    cryptoKey = await toCryptoKey(key, alg);
  } catch (e) {
    return { valid: false, keyError: e instanceof Error ? e.message : String(e) };
  }
  try {
    await compactVerify(token, cryptoKey, { algorithms: [alg] });
    return { valid: true };
  } catch {
    return { valid: false };
  }
}

function keyText(key: VerifyKey): string {
  if (key.kind === 'secret') return `secret:${Array.from(key.bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (key.kind === 'pem') return `pem:${key.pem}`;
  return `jwk:${JSON.stringify(key.jwk)}`;
}

/** The effect a plugin waits on; its memo key names exactly the (token, key) pair. */
export function signatureEffect(plugin: string, token: string, alg: string, key: VerifyKey): Extract<Effect, { type: 'async' }> {
  return {
    type: 'async',
    purpose: `${plugin}: verify ${alg} signature`,
    memoKey: `${plugin}|${alg}|${keyText(key)}|${token}`,
    run: () => verifySignature(token, alg, key),
  };
}

/** Reads an effect's value back as a SignatureCheck (the host passes it through untyped). */
export function asSignatureCheck(value: unknown): SignatureCheck {
  const v = value as Partial<SignatureCheck> | undefined;
  return { valid: v?.valid === true, ...(typeof v?.keyError === 'string' ? { keyError: v.keyError } : {}) };
}
