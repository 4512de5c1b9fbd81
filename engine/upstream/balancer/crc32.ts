/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum nginx's `ngx_crc32_short` and
 * lua-resty-balancer's chash.c compute. Table-driven, one byte per step, plain integer arithmetic, so
 * Node and the browser agree. Two entry points because chash.c needs the raw register step: it
 * continues a CRC from a *finished* checksum without re-inverting it (see nginx-chash-ring.ts).
 */

/** The 256 partial remainders of the reflected polynomial, the same table chash.c spells out. */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

const encoder = new TextEncoder();

/**
 * Feeds `bytes` through the CRC register starting from `register`, with no initial or final
 * inversion (chash.c's crc32_update). Returns the register as an unsigned 32-bit integer.
 */
export function crc32Update(register: number, bytes: Uint8Array): number {
  let c = register >>> 0;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return c >>> 0;
}

/** The standard CRC-32 of bytes or of a string's UTF-8 bytes: crc32("123456789") = 0xCBF43926. */
export function crc32(input: Uint8Array | string): number {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  return (crc32Update(0xffffffff, bytes) ^ 0xffffffff) >>> 0;
}
