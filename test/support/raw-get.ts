/**
 * One GET on a fresh connection to 127.0.0.1, answered bytes as they came off the socket, with the
 * Date line taken out (it changes per second): for tests that compare raw answers byte for byte.
 */
import { connect } from 'node:net';

export function rawGet(port: number, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => resolve(Buffer.from(Buffer.concat(chunks).toString('latin1').replace(/^Date: .*\r\n/m, ''), 'latin1')));
    socket.on('error', reject);
  });
}
