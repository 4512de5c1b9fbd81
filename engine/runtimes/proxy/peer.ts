/** The client address as the pipeline wants it: IPv4-mapped IPv6 sockets report ::ffff:a.b.c.d. */
export function normalizePeer(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
