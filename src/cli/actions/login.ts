// Runs `login` (checks the relay URL and token against the relay, then saves them in the config file) and `logout`;
// every other key is kept.

import { loadConfig, updateConfig } from '../../config.js';
import { UserError, usageError } from '../../errors.js';
import { jsonText } from '../../output/json-text.js';
import { configPath } from '../../paths.js';
import { checkRelay } from '../../tunnel/check-relay.js';
import { RelayFailure, type RelayFailureCode } from '../../tunnel/relay-failure.js';

/** The flags of `hooktunnel login` as its command parses them (the command imports this type; never the reverse). */
export interface LoginFlags {
  token?: string;
  /** false with --no-check: save without asking the relay (one not running yet). */
  check: boolean;
  json?: boolean;
}

export async function login(relayUrl: string, flags: LoginFlags): Promise<void> {
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
  if (flags.check) {
    // A mistyped token or URL is said now, not at the next `listen`; nothing is saved.
    await checkRelay(relay, token).catch((error: Error) => {
      if (!(error instanceof RelayFailure)) throw error;
      throw new UserError(`${error.message}; nothing saved`, { hint: checkHint(error.code), code: error.code });
    });
  }
  const path = configPath();
  updateConfig({ relay, token }, path);
  if (flags.json) process.stdout.write(`${jsonText({ relay, config: path, checked: flags.check })}\n`);
  else {
    const checked = flags.check ? 'the relay accepts the token' : 'not checked: --no-check';
    process.stdout.write(`Saved relay ${relay} and its token to ${path} (${checked}); \`hooktunnel listen <port>\` now uses them.\n`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if ((url.protocol === 'http:' || url.protocol === 'ws:') && !local) {
    process.stderr.write('note: the token travels unencrypted over http://; put the relay behind TLS (docs/self-host.md).\n');
  }
}

/** What to do when the check failed, by why it failed. */
function checkHint(code: RelayFailureCode): string | undefined {
  const noCheck = 'or pass --no-check to save it anyway';
  if (code === 'unauthorized') return 'check the token, or ask the relay\'s operator for a new one (`hooktunnel relay token create` on the relay)';
  if (code === 'relay_unreachable') return `is the relay running, and is the URL right? start it (\`hooktunnel relay\`), ${noCheck}`;
  if (code === 'not_a_relay') return 'give the address of a `hooktunnel relay`, e.g. https://hooks.example.com (with its --base-path, if it has one)';
  if (code === 'rate_limited' || code === 'relay_draining') return `try again in a few seconds, ${noCheck}`;
  return undefined;
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
