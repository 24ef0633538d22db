// /healthz and /metrics: Prometheus text on the bare host only (a tunnel's paths belong to the app), or on --admin-port.

import { describe, expect, it } from 'vitest';
import { memoryAuthStore } from '../../relay-server/auth.js';
import { send, startLocalApp } from '../helpers/http.js';
import { onCleanup, openSession, startRelay, upgrade } from './helpers.js';

async function app() {
  const local = await startLocalApp((req, res, body) => res.end(`${req.url} ${body.length}`));
  onCleanup(() => local.close());
  return local;
}

const sample = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

describe('/metrics', () => {
  it('counts tunnels, requests by status, bytes in and out, durations and auth failures', async () => {
    const local = await app();
    const { url } = await startRelay({ limits: { maxBodyBytes: 100 }, auth: memoryAuthStore(['good']) });
    const session = await openSession(url, local.port, { token: 'good', name: 'm' });
    const tunnel = session.welcome!.url;
    const answers = [await send(`${tunnel}/a`, { body: 'x'.repeat(10) }), await send(`${tunnel}/bb`, { body: 'y'.repeat(20) })];
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect((await send(`${url}/t/nope/`, { body: '' })).status).toBe(404);
    expect((await send(`${tunnel}/big`, { body: 'z'.repeat(101) })).status).toBe(413);
    expect((await upgrade(url, { Authorization: 'Bearer bad' })).status).toBe(401);

    const reply = await send(`${url}/metrics`, { method: 'GET' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = reply.body.toString();
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[^"]*"\})? -?[\d.e+-]+)$/);
    }
    expect(sample(text, 'hooktunnel_tunnels_open')).toBe(1);
    expect(sample(text, 'hooktunnel_requests_total{status="200"}')).toBe(2);
    expect(sample(text, 'hooktunnel_requests_total{status="404"}')).toBe(1);
    expect(sample(text, 'hooktunnel_requests_total{status="413"}')).toBe(1);
    expect(sample(text, 'hooktunnel_request_bytes_total')).toBe(30);
    const bytesOut = answers.reduce((sum, a) => sum + a.body.length, 0);
    expect(sample(text, 'hooktunnel_response_bytes_total')).toBe(bytesOut);
    expect(sample(text, 'hooktunnel_request_duration_seconds_count')).toBe(4);
    expect(sample(text, 'hooktunnel_request_duration_seconds_bucket{le="+Inf"}')).toBe(4);
    expect(sample(text, 'hooktunnel_request_duration_seconds_sum')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE hooktunnel_request_duration_seconds histogram');
    expect(sample(text, 'hooktunnel_auth_failures_total')).toBe(1);
  });

  it('is never served under a tunnel: /t/<id>/metrics and <id>.<domain>/metrics reach the app', async () => {
    const local = await app();
    const { url } = await startRelay({ domain: 'hooks.test' });
    const session = await openSession(url, local.port, { name: 'app' });
    expect((await send(`${url}/t/app/metrics`, { method: 'GET' })).body.toString()).toBe('/metrics 0');
    const port = new URL(url).port;
    const sub = await send(`${url}/healthz`, { method: 'GET', headers: ['Host', `app.hooks.test:${port}`] });
    expect(sub.body.toString()).toBe('/healthz 0');
    expect(session.welcome!.url).toBe(`http://app.hooks.test:${port}`);
    expect(local.received.map((r) => r.url)).toEqual(['/metrics', '/healthz']);
  });
});

describe('--admin-port', () => {
  it('moves /healthz and /metrics off the public port', async () => {
    const { url, relay } = await startRelay({ adminPort: 0 });
    const admin = `http://127.0.0.1:${relay.adminPort}`;
    expect((await send(`${url}/metrics`, { method: 'GET' })).status).toBe(404);
    expect((await send(`${url}/healthz`, { method: 'GET' })).status).toBe(404);
    expect((await send(`${admin}/metrics`, { method: 'GET' })).body.toString()).toContain('hooktunnel_tunnels_open 0');
    const health = await send(`${admin}/healthz`, { method: 'GET' });
    expect(JSON.parse(health.body.toString())).toEqual({ ok: true, draining: false, tunnels: 0 });
  });
});

describe('/healthz', () => {
  it('answers on the bare host with the tunnel count', async () => {
    const { url } = await startRelay();
    const reply = await send(`${url}/healthz`, { method: 'GET' });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.toString())).toEqual({ ok: true, draining: false, tunnels: 0 });
  });
});
