// Ids past 2^53 in JSON bodies (Shopify's sample order is 820982911946154508) are compared digit for digit: parsed as
// JS numbers, 820982911946154508 and 820982911946154509 are one value, so `wait --match body.id=…` took the wrong
// delivery and `diff` saw no difference between two orders.

import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { homeWithApp, record } from './recorded.js';

const order = (id: string) => `{"id":${id},"customer":{"id":115310627314723954},"note":"x"}`;

async function twoOrders() {
  const { db, env, app } = await homeWithApp();
  record(db, [
    { target: app.url, status: 200, body: order('820982911946154508') },
    { target: app.url, status: 200, body: order('820982911946154509') },
  ]);
  return { db, env };
}

it('wait --match body.id takes the delivery whose id has those digits', async () => {
  const { db, env } = await twoOrders();
  const result = await runCli(['wait', '--since', '1h', '--match', 'body.id=820982911946154509', '--timeout', '5s', '--json', '--db', db], { env });
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout).id).toBe(2);
});

it('diff names the id that changed, in the text and in --json', async () => {
  const { db, env } = await twoOrders();
  const text = await runCli(['diff', '1', '2', '--db', db], { env: { ...env, NO_COLOR: '1' } });
  expect(text.stdout).toContain('~ id: 820982911946154508 → 820982911946154509');
  const json = await runCli(['diff', '1', '2', '--json', '--db', db], { env });
  expect(json.stdout).toMatch(/"a": 820982911946154508,\s*"b": 820982911946154509/);
  expect(json.stdout).not.toContain('115310627314723954');
});
