// Runs `login` (validates the relay URL and saves it with the token in the config file) and `logout`; every other key is kept.

import { loadConfig, updateConfig } from '../../config.js';
import { usageError } from '../../errors.js';
import { configPath } from '../../paths.js';

/** The flags of `hooktunnel login` as its command parses them (the command imports this type; never the reverse). */
export interface LoginFlags {
  token?: string;
}

export function login(relayUrl: string, flags: LoginFlags): void {
  let url: URL | undefined;
  try {
    url = new URL(relayUrl);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw usageError(`"${relayUrl}" is not an http(s):// or ws(s):// URL`, 'for example hooktunnel login https://hooks.example.com --token <token>');
  }
  const token = flags.token?.trim();
  if (!token) throw usageError('login needs --token', 'create one on the relay with `hooktunnel relay token create --name laptop`');
  const relay = relayUrl.replace(/\/+$/, '');
  const path = configPath();
  updateConfig({ relay, token }, path);
  process.stdout.write(`Saved relay ${relay} and its token to ${path}; \`hooktunnel listen <port>\` now uses them.\n`);
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if ((url.protocol === 'http:' || url.protocol === 'ws:') && !local) {
    process.stderr.write('note: the token travels unencrypted over http://; put the relay behind TLS (docs/self-host.md).\n');
  }
}

/** Forgets the saved relay and token: `listen` goes back to the embedded relay. Other keys (secrets) stay. */
export function logout(): void {
  const path = configPath();
  const saved = loadConfig(path);
  if (saved.relay === undefined && saved.token === undefined) {
    process.stdout.write(`No relay saved in ${path}; \`hooktunnel listen <port>\` already uses the embedded relay.\n`);
    return;
  }
  updateConfig({ relay: undefined, token: undefined }, path);
  process.stdout.write(`Forgot relay ${typeof saved.relay === 'string' ? saved.relay : '(none)'} and its token (${path}); \`hooktunnel listen <port>\` now uses the embedded relay.\n`);
}
