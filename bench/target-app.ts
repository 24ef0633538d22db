// The local app the bench forwards to, run as its own process: reads every body, checks its SHA-256, answers small JSON.
//
//   node dist/bench/target-app.js      prints "target listening on <port>" and serves until SIGINT/SIGTERM
//
// Every request that carries `x-expected-sha256` is checked; a mismatch is counted and answered 422, so corruption
// shows up in the load generator's non-2xx count as well as in GET /__bench/stats.

import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPECTED_SHA_HEADER, STATS_PATH, type TargetStats } from './payloads.js';

const stats: TargetStats = { requests: 0, bytes: 0, checked: 0, mismatches: 0 };
const OK = Buffer.from('{"ok":true}\n');

const server = createServer((req, res) => {
  if (req.url === STATS_PATH) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  const hash = createHash('sha256');
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  req.on('end', () => {
    stats.requests++;
    stats.bytes += size;
    const expected = req.headers[EXPECTED_SHA_HEADER];
    let intact = true;
    if (typeof expected === 'string') {
      stats.checked++;
      intact = hash.digest('hex') === expected;
      if (!intact) stats.mismatches++;
    }
    if (intact) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
      res.end(OK);
    } else {
      const body = JSON.stringify({ ok: false, error: 'sha256 mismatch', bytes: size });
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(body);
    }
  });
});
// Past the default 5 s, so autocannon's kept-alive connections survive the pauses between rounds.
server.keepAliveTimeout = 120_000;

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`target listening on ${(server.address() as AddressInfo).port}\n`);
});
