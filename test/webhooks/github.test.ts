// GitHub against GitHub's published test vector and the official @octokit/webhooks-methods verify.

import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { github } from '../../src/webhooks/providers/github.js';
import { input } from './support.js';

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries ("Testing the webhook payload
// validation")
const DOC_SECRET = "It's a Secret to Everybody";
const DOC_PAYLOAD = 'Hello, World!';
const DOC_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('github', () => {
  it("verifies GitHub's documented test vector", async () => {
    const delivery = input([['X-Hub-Signature-256', DOC_SIGNATURE]], DOC_PAYLOAD);
    expect(github.verify(delivery, DOC_SECRET, 0).result).toBe('valid');
    expect(await octokitSign(DOC_SECRET, DOC_PAYLOAD)).toBe(DOC_SIGNATURE);
  });

  it('falls back to the legacy SHA-1 X-Hub-Signature when the SHA-256 header is absent', () => {
    const sha1 = `sha1=${createHmac('sha1', DOC_SECRET).update(DOC_PAYLOAD).digest('hex')}`;
    expect(github.verify(input([['X-Hub-Signature', sha1]], DOC_PAYLOAD), DOC_SECRET, 0).result).toBe('valid');
    expect(github.verify(input([['X-Hub-Signature', 'sha256=00']], DOC_PAYLOAD), DOC_SECRET, 0).reason).toBe(
      'malformed header X-Hub-Signature (expected sha1=<hex signature>)',
    );
  });

  it('prefers the SHA-256 header: a bad one is not rescued by a good SHA-1 one', () => {
    const sha1 = `sha1=${createHmac('sha1', DOC_SECRET).update(DOC_PAYLOAD).digest('hex')}`;
    const headers: [string, string][] = [
      ['X-Hub-Signature', sha1],
      ['X-Hub-Signature-256', `sha256=${'0'.repeat(64)}`],
    ];
    expect(github.verify(input(headers, DOC_PAYLOAD), DOC_SECRET, 0).result).toBe('invalid');
  });

  it('re-signs both signature headers so that octokit verify accepts the replay', async () => {
    const payload = '{"action":"opened","number":214}';
    const original = input(
      [
        ['x-github-event', 'pull_request'],
        ['x-hub-signature', 'sha1=stale'],
        ['x-hub-signature-256', 'sha256=stale'],
      ],
      payload,
    );
    const headers = github.sign(original, 'hook-secret', 0);
    expect(headers.map(([name]) => name)).toEqual(['x-github-event', 'x-hub-signature', 'x-hub-signature-256']);
    expect(await octokitVerify('hook-secret', payload, headers[2][1])).toBe(true);
    expect(headers[1][1]).toBe(`sha1=${createHmac('sha1', 'hook-secret').update(payload).digest('hex')}`);
  });

  it('names the event from the header plus the body action, and the id from X-GitHub-Delivery', () => {
    const headers: [string, string][] = [
      ['X-GitHub-Event', 'pull_request'],
      ['X-GitHub-Delivery', 'a1b2c3d4-0000-11ef-8000-1234567890ab'],
    ];
    expect(github.describe(input(headers, '{"action":"opened"}'))).toEqual({
      eventType: 'pull_request.opened',
      eventId: 'a1b2c3d4-0000-11ef-8000-1234567890ab',
      timestamp: null,
    });
    expect(github.describe(input([['X-GitHub-Event', 'push']], '{"ref":"refs/heads/main"}')).eventType).toBe('push');
  });

  it('reads the action from form-encoded deliveries (payload=<json>)', () => {
    const headers: [string, string][] = [
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['X-GitHub-Event', 'issues'],
    ];
    const body = `payload=${encodeURIComponent('{"action":"closed"}')}`;
    expect(github.describe(input(headers, body)).eventType).toBe('issues.closed');
  });
});
