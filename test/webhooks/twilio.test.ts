// Twilio against the examples in Twilio's documentation and the test vectors of its official helper libraries.

import { describe, expect, it } from 'vitest';
import type { HeaderPairs } from '../../src/exchange.js';
import { twilio } from '../../src/webhooks/providers/twilio.js';
import { buildSecrets } from '../../src/webhooks/secrets.js';
import { resignWebhook } from '../../src/webhooks/verify.js';
import { input } from './support.js';

const TOKEN = '12345';
const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const FORM: HeaderPairs = [['Content-Type', 'application/x-www-form-urlencoded']];

function formDelivery(signature: string, caller: string, url: string | null = DOC_URL) {
  const params = new URLSearchParams({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller });
  params.append('To', '+18005551212');
  return input([...FORM, ['X-Twilio-Signature', signature]], params.toString(), url);
}

describe('twilio', () => {
  // https://www.twilio.com/docs/usage/security#validating-requests and the TwilioDevEd api-snippets for each library.
  it.each([
    ['+12349013030', '0/KCTR6DLpKmkAf8muzZqo1nDgQ='],
    ['+14158675310', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
  ])('verifies the documented form example with Caller %s', (caller, signature) => {
    expect(twilio.verify(formDelivery(signature, caller), TOKEN, 0).result).toBe('valid');
    expect(twilio.sign(formDelivery('', caller), TOKEN, 0).at(-1)).toEqual(['X-Twilio-Signature', signature]);
  });

  // twilio-python tests/unit/test_request_validator.py: the libraries accept the URL with and without the port.
  it.each([
    ['an added :443', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['the https URL signed with :443', DOC_URL, 'kvajT1Ptam85bY51eRf/AJRuM3w='],
    ['a non-default port on https', 'https://mycompany.com:1234/myapp.php?foo=1&bar=2', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['a port on http', 'http://mycompany.com:1234/myapp.php?foo=1&bar=2', 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
    ['http signed with :80', 'http://mycompany.com/myapp.php?foo=1&bar=2', '0ZXoZLH/DfblKGATFgpif+LLRf4='],
  ])('accepts the URL with or without the port: %s', (_, url, signature) => {
    expect(twilio.verify(formDelivery(signature, '+14158675309', url), TOKEN, 0).result).toBe('valid');
  });

  it('sorts keys and de-duplicates and sorts repeated values, as the helper libraries do', () => {
    const body = 'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234';
    const delivery = input([...FORM, ['X-Twilio-Signature', 'IK+Dwps556ElfBT0I3Rgjkr1wJU=']], body, DOC_URL);
    expect(twilio.verify(delivery, TOKEN, 0).result).toBe('valid');
  });

  it('verifies a JSON body through the bodySHA256 query parameter (twilio-python vector)', () => {
    const body = '{"property": "value", "boolean": true}';
    const url = `${DOC_URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620`;
    const headers: HeaderPairs = [
      ['Content-Type', 'application/json'],
      ['X-Twilio-Signature', 'a9nBmqA0ju/hNViExpshrM61xv4='],
    ];
    expect(twilio.verify(input(headers, body, url), TOKEN, 0).result).toBe('valid');
    expect(twilio.verify(input(headers, body.replace('true', 'false'), url), TOKEN, 0)).toEqual({
      provider: 'twilio',
      result: 'invalid',
      reason: 'body does not match the bodySHA256 in the URL (body modified)',
    });
  });

  it('refuses to re-sign a JSON body that no longer matches the bodySHA256 of the signed URL', () => {
    const body = '{"property": "value", "boolean": true}';
    const url = `${DOC_URL}&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620`;
    const headers: HeaderPairs = [['Content-Type', 'application/json'], ['X-Twilio-Signature', 'a9nBmqA0ju/hNViExpshrM61xv4=']];
    expect(twilio.sign(input(headers, body, url), TOKEN, 0)).toEqual(headers);
    // An edited body: a new signature over the same URL would still fail the app's body check, so none is claimed.
    const secrets = buildSecrets({ flags: [`twilio=${TOKEN}`] });
    const edited = resignWebhook(input(headers, body.replace('true', 'false'), url), secrets, 0);
    expect(edited).toEqual({
      headers,
      resigned: false,
      reason: 'the bodySHA256 in the URL Twilio signed pins the original body, and this body differs',
    });
  });

  it('leaves a delivery unchecked when the public URL is unknown', () => {
    expect(twilio.verify(formDelivery('0/KCTR6DLpKmkAf8muzZqo1nDgQ=', '+12349013030', null), TOKEN, 0)).toEqual({
      provider: 'twilio',
      result: 'unchecked',
      reason: 'public URL unknown, and Twilio signs the full URL the sender used',
    });
    expect(() => twilio.sign(formDelivery('', '+12349013030', null), TOKEN, 0)).toThrow(/public URL unknown/);
  });

  it('rejects the right signature presented for another URL', () => {
    const moved = formDelivery('0/KCTR6DLpKmkAf8muzZqo1nDgQ=', '+12349013030', 'https://mycompany.com/other.php');
    expect(twilio.verify(moved, TOKEN, 0).reason).toBe(
      'signature does not match (wrong auth token, body modified, or not the URL Twilio called)',
    );
  });

  it('describes messages and calls by status and sid', () => {
    const sms = input(FORM, 'MessageSid=SM9f0e&SmsStatus=received&Body=hi');
    expect(twilio.describe(sms)).toEqual({ eventType: 'message.received', eventId: 'SM9f0e', timestamp: null });
    const call = input(FORM, 'CallSid=CA77&CallStatus=completed');
    expect(twilio.describe(call)).toEqual({ eventType: 'call.completed', eventId: 'CA77', timestamp: null });
  });
});
