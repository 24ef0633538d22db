// SHA-256 of bytes already in hand, as hex: `crypto.hash` (Node 20.12+) hashes in one call without a Hash object,
// which the recorder paid for twice per exchange (request and response body).

import * as crypto from 'node:crypto';

const oneShot = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'hex') => string }).hash;

export const sha256Hex: (data: Buffer) => string = oneShot
  ? (data) => oneShot('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');
