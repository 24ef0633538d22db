// Secret sources and their precedence, per-path secrets, and the --verify HMAC spec parser.

import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseHmacSpec } from '../../src/webhooks/hmac-spec.js';
import {
  buildSecrets,
  parseSecretFlag,
  resolveSecrets,
  secretsFromConfig,
  secretsFromEnv,
} from '../../src/webhooks/secrets.js';

describe('parseSecretFlag', () => {
  it.each([
    ['stripe=whsec_abc', { provider: 'stripe', path: '*', value: 'whsec_abc' }],
    ['GitHub=s3cr=t:with:colons', { provider: 'github', path: '*', value: 's3cr=t:with:colons' }],
    ['svix:/clerk/*=whsec_MfKQ==', { provider: 'standard', path: '/clerk/*', value: 'whsec_MfKQ==' }],
    ['standard-webhooks=whsec_x', { provider: 'standard', path: '*', value: 'whsec_x' }],
    ['shopify:/hooks/orders=shpss_1', { provider: 'shopify', path: '/hooks/orders', value: 'shpss_1' }],
    ['twilio:*=tok', { provider: 'twilio', path: '*', value: 'tok' }],
  ])('parses %s', (flag, expected) => {
    expect(parseSecretFlag(flag)).toEqual({ ...expected, source: 'flag' });
  });

  it.each([
    ['paypal=abc', /^--secret "paypal=\*\*\*" is not PROVIDER=SECRET or PROVIDER:\/path=SECRET$/],
    ['stripe', /^--secret "stripe" is not PROVIDER=SECRET/],
    ['stripe=', /^--secret "stripe=\*\*\*" is not PROVIDER=SECRET/],
    [
      'stripe:hooks=abc',
      /^--secret "stripe:hooks=\*\*\*" has path "hooks", which is not \*, \/exact\/path or \/prefix\/\*$/,
    ],
    ['stripe:/a*b=abc', /has path "\/a\*b"/],
  ])('rejects %s with a usage error that hides the secret', (flag, message) => {
    const error = (() => {
      try {
        parseSecretFlag(flag);
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toMatch(message);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).not.toContain('abc');
  });
});

describe('secretsFromEnv', () => {
  it('reads HOOKTUNNEL_SECRET_<PROVIDER> and ignores everything else', () => {
    const env = { HOOKTUNNEL_SECRET_STRIPE: 'whsec_env', HOOKTUNNEL_SECRET_STANDARD_WEBHOOKS: 'whsec_s', PATH: '/bin' };
    expect(secretsFromEnv(env)).toEqual([
      { provider: 'stripe', path: '*', value: 'whsec_env', source: 'env' },
      { provider: 'standard', path: '*', value: 'whsec_s', source: 'env' },
    ]);
  });

  // A CI job's secret store during a rotation: one variable, the old and the new secret.
  it('reads several whsec_ secrets separated by whitespace as several, and any other value as one secret', () => {
    const env = {
      HOOKTUNNEL_SECRET_SVIX: 'whsec_dGhpcyBpcyB0aGUgb2xk whsec_MfKQ9r8GKYqrTwjUPD8I\n',
      HOOKTUNNEL_SECRET_GITHUB: 'a passphrase with spaces',
      HOOKTUNNEL_SECRET_STRIPE: 'whsec_one and more words',
    };
    const secrets = buildSecrets({ env });
    expect(resolveSecrets(secrets, 'standard', '/clerk')).toEqual(['whsec_dGhpcyBpcyB0aGUgb2xk', 'whsec_MfKQ9r8GKYqrTwjUPD8I']);
    expect(resolveSecrets(secrets, 'github', '/')).toEqual(['a passphrase with spaces']);
    expect(resolveSecrets(secrets, 'stripe', '/')).toEqual(['whsec_one and more words']);
  });

  it('ignores empty values and rejects unknown providers by variable name', () => {
    expect(secretsFromEnv({ HOOKTUNNEL_SECRET_SLACK: '' })).toEqual([]);
    expect(() => secretsFromEnv({ HOOKTUNNEL_SECRET_PAYPAL: 'x' })).toThrow(
      'environment variable HOOKTUNNEL_SECRET_PAYPAL names no known provider',
    );
  });
});

describe('secretsFromConfig', () => {
  it('reads plain secrets, per-path maps and hmac specs', () => {
    const secrets = secretsFromConfig({
      stripe: 'whsec_cfg',
      github: { '/gh': 'gh-path', '*': 'gh-any' },
      hmac: ['hmac-sha256:X-Sig:k1', 'hmac-sha1:X-Other:k2:base64'],
    });
    expect(secrets.entries).toEqual([
      { provider: 'stripe', path: '*', value: 'whsec_cfg', source: 'config' },
      { provider: 'github', path: '/gh', value: 'gh-path', source: 'config' },
      { provider: 'github', path: '*', value: 'gh-any', source: 'config' },
    ]);
    expect(secrets.hmac.map((s) => s.header)).toEqual(['X-Sig', 'X-Other']);
  });

  it.each([
    ['a string', 'whsec', 'config "secrets" is not an object'],
    ['an unknown provider', { paypal: 'x' }, 'config "secrets.paypal" names no known provider'],
    ['a number', { stripe: 5 }, 'config "secrets.stripe" is not a secret string, a list of them or a { path: secret } object'],
    ['an empty secret', { stripe: { '/x': '' } }, 'config "secrets.stripe"["/x"] is not a secret string'],
    ['an empty list', { stripe: [] }, 'config "secrets.stripe" is an empty list'],
    ['a number in a list', { stripe: { '/x': ['whsec_a', 7] } }, 'config "secrets.stripe"["/x"] is not a secret string or a list of them'],
    ['a bad path', { stripe: { hooks: 'x' } }, 'config "secrets.stripe" has path "hooks"'],
    ['a bad hmac entry', { hmac: [1] }, 'config "secrets.hmac" is not a spec string or a list of them'],
  ])('rejects %s', (_, map, message) => {
    expect(() => secretsFromConfig(map)).toThrow(message);
  });

  it('reads a list as several secrets for one provider and path', () => {
    const secrets = secretsFromConfig({ stripe: ['whsec_a', 'whsec_b'], github: { '/gh': ['g1', 'g2'] } });
    expect(secrets.entries.map(({ provider, path, value }) => `${provider} ${path} ${value}`)).toEqual([
      'stripe * whsec_a',
      'stripe * whsec_b',
      'github /gh g1',
      'github /gh g2',
    ]);
  });

  it('treats an absent map as no secrets', () => {
    expect(secretsFromConfig(undefined)).toEqual({ entries: [], hmac: [] });
  });
});

describe('resolveSecrets: the secret that applies first', () => {
  const secrets = buildSecrets({
    flags: ['stripe:/flagged=from-flag', 'github:/hooks/*=gh-prefix'],
    env: { HOOKTUNNEL_SECRET_STRIPE: 'from-env', HOOKTUNNEL_SECRET_GITHUB: 'gh-env' },
    config: {
      stripe: { '/config-only': 'cfg-path', '*': 'from-config' },
      slack: 'slack-cfg',
      github: { '/hooks/gh': 'x' },
    },
  });

  it.each([
    ['stripe', '/flagged', 'from-flag'],
    ['stripe', '/flagged?attempt=2', 'from-flag'],
    ['stripe', '/anything', 'from-env'],
    // Precedence is by source first: the env secret for every path beats a config secret for this exact path.
    ['stripe', '/config-only', 'from-env'],
    ['slack', '/slack/events', 'slack-cfg'],
    ['github', '/hooks/gh', 'gh-prefix'],
    ['github', '/hooks', 'gh-env'],
    ['shopify', '/', null],
  ] as const)('%s on %s → %s', (provider, path, expected) => {
    expect(resolveSecrets(secrets, provider, path)[0] ?? null).toBe(expected);
  });

  it('prefers the most specific pattern within one source', () => {
    const flags = ['stripe=any', 'stripe:/a/*=prefix', 'stripe:/a/b/*=longer', 'stripe:/a/b/c=exact'];
    const only = buildSecrets({ flags });
    expect(resolveSecrets(only, 'stripe', '/a/b/c')[0] ?? null).toBe('exact');
    expect(resolveSecrets(only, 'stripe', '/a/b/d')[0] ?? null).toBe('longer');
    expect(resolveSecrets(only, 'stripe', '/a/x')[0] ?? null).toBe('prefix');
    expect(resolveSecrets(only, 'stripe', '/b')[0] ?? null).toBe('any');
  });
});

describe('resolveSecrets', () => {
  it('gives every secret of the winning source and pattern, in order and once each', () => {
    const secrets = buildSecrets({ flags: ['stripe=A', 'stripe:/x=exact', 'stripe=B', 'stripe=A'], env: { HOOKTUNNEL_SECRET_STRIPE: 'E' } });
    expect(resolveSecrets(secrets, 'stripe', '/y')).toEqual(['A', 'B']);
    expect(resolveSecrets(secrets, 'stripe', '/y')[0] ?? null).toBe('A');
    // A more specific pattern, or a higher source, still wins alone: it is what the app on that path checks with.
    expect(resolveSecrets(secrets, 'stripe', '/x')).toEqual(['exact']);
    expect(resolveSecrets(buildSecrets({ env: { HOOKTUNNEL_SECRET_STRIPE: 'E' }, config: { stripe: ['C', 'D'] } }), 'stripe', '/')).toEqual(['E']);
    expect(resolveSecrets(secrets, 'slack', '/')).toEqual([]);
  });
});

describe('parseHmacSpec', () => {
  it.each([
    ['hmac-sha256:X-Sig:s3cret', { algorithm: 'sha256', header: 'X-Sig', secret: 's3cret', encoding: 'hex' }],
    ['hmac-sha256:X-Sig:s3cret:base64', { algorithm: 'sha256', header: 'X-Sig', secret: 's3cret', encoding: 'base64' }],
    ['HMAC-SHA512:X-Sig:a:b:c', { algorithm: 'sha512', header: 'X-Sig', secret: 'a:b:c', encoding: 'hex' }],
    ['hmac-sha1:X-Sig:ends-in:hex:hex', { algorithm: 'sha1', header: 'X-Sig', secret: 'ends-in:hex', encoding: 'hex' }],
    // A lone trailing `hex` is the secret, not an encoding with an empty secret.
    ['hmac-sha256:X-Sig:hex', { algorithm: 'sha256', header: 'X-Sig', secret: 'hex', encoding: 'hex' }],
  ])('parses %s', (value, expected) => {
    expect(parseHmacSpec(value)).toEqual(expected);
  });

  it.each([
    ['hmac-md5:X-Sig:secret', '--verify "hmac-md5:X-Sig:***" does not start with hmac-sha256'],
    ['sha256:X-Sig:secret', '--verify "sha256:X-Sig:***" does not start with hmac-sha256'],
    ['hmac-sha256:Bad Header:secret', '--verify "hmac-sha256:Bad Header:***" has no valid header name'],
    ['hmac-sha256:X-Sig', '--verify "hmac-sha256:X-Sig" has an empty secret'],
    ['hmac-sha256:X-Sig:', '--verify "hmac-sha256:X-Sig:***" has an empty secret'],
    ['hmac-sha256', '--verify "hmac-sha256" has no valid header name'],
  ])('rejects %s naming the value and the expected form', (value, message) => {
    try {
      parseHmacSpec(value);
      expect.unreachable();
    } catch (error) {
      expect((error as UserError).message).toContain(message);
      expect((error as UserError).hint).toContain('hmac-sha256:HEADER:SECRET[:hex|base64]');
    }
  });
});
