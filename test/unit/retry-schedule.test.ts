import { describe, expect, it } from 'vitest';
import { RETRY_CAP_MS, retryDelay, retrySchedule } from '../../src/delivery/retry-schedule.js';
import { deliverySettings } from '../../src/cli/delivery-options.js';

describe('retry schedule', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [7, 64_000],
    [9, 256_000],
    [10, RETRY_CAP_MS],
    [500, RETRY_CAP_MS],
  ])('waits after %i failed attempts: %i ms', (failed, ms) => {
    expect(retryDelay(failed)).toBe(ms);
  });

  it('scales with the base (listen --retry-base) and lists the waits between --max-attempts attempts', () => {
    expect(retrySchedule(8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]);
    expect(retrySchedule(4, 50)).toEqual([50, 100, 200]);
    expect(retrySchedule(1)).toEqual([]);
  });
});

describe('listen delivery flags', () => {
  const defaults = { ackStatus: '200', ackBody: '{"received":true}', maxAttempts: '8', retryBase: '1s' };

  it('builds the ack settings from --ack, repeatable --ack-path and comma-separated env values', () => {
    const settings = deliverySettings({ ...defaults, ack: true, ackPath: ['/stripe', '/github,/shopify'] });
    expect(settings.ack).toEqual({ paths: ['/stripe', '/github', '/shopify'], status: 200, body: '{"received":true}' });
    expect(settings).toMatchObject({ maxAttempts: 8, retryBaseMs: 1_000, keep: undefined });
    expect(deliverySettings(defaults).ack).toBeUndefined();
  });

  it.each([
    [{ ackPath: ['/x'] }, '--ack-path needs --ack'],
    [{ ack: true, ackPath: ['stripe'] }, '--ack-path "stripe" must start with /'],
    [{ ack: true, ackStatus: '500' }, '--ack-status "500" must be a whole number from 200 to 299'],
    [{ maxAttempts: '0' }, '--max-attempts "0" must be a whole number from 1 to 100'],
    [{ retryBase: 'soon' }, '--retry-base "soon" is not a duration'],
    [{ keep: '-1' }, '--keep "-1" must be a whole number of 1 or more'],
  ])('refuses %j with a usage error naming the flag', (flags, message) => {
    expect(() => deliverySettings({ ...defaults, ...flags })).toThrow(message);
  });
});
