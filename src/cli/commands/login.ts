// `hooktunnel login <relay-url> --token <token>`: remember a self-hosted relay and its token for `listen`; `logout` forgets them.

import { Command, Option } from 'commander';
import type { LoginFlags } from '../actions/login.js';
import { withJsonErrors } from '../json-error.js';

export function loginCommand(): Command {
  return withJsonErrors(new Command('login'))
    .description('Check a relay URL and its token against the relay, then save them in the config file, so `hooktunnel listen` uses them.')
    .argument('<relay-url>', 'the relay, e.g. https://hooks.example.com')
    .addOption(new Option('--token <token>', 'a token from `hooktunnel relay token create` on the relay').env('HOOKTUNNEL_TOKEN'))
    .option('--no-check', 'save without asking the relay (one that is not running yet)')
    .option('--json', 'print {"relay","config","checked"} on success; failures as one JSON error line on stderr')
    .addHelpText(
      'after',
      `
Before saving, login opens the relay's tunnel handshake with the token and closes it: a relay that cannot be
reached, is not a hooktunnel relay, or refuses the token is an error (exit 1) and nothing is saved.

The file is $XDG_CONFIG_HOME/hooktunnel/config.json (~/.config/hooktunnel/config.json), readable by you only.
--relay, HOOKTUNNEL_RELAY, --token and HOOKTUNNEL_TOKEN still win over it; the saved token is sent to the saved relay only.

Examples:
  hooktunnel login https://hooks.example.com --token htr_...
  hooktunnel login https://hooks.example.com --token htr_... --no-check   before the relay is running
  hooktunnel listen 3000 --name stripe-dev              https://hooks.example.com/t/stripe-dev`,
    )
    .action(async (relayUrl: string, flags: LoginFlags) => {
      const { login } = await import('../actions/login.js');
      await login(relayUrl, flags);
    });
}

export function logoutCommand(): Command {
  return new Command('logout')
    .description('Forget the relay and token saved by `hooktunnel login`; `listen` uses the embedded relay again.')
    .addHelpText(
      'after',
      `
Other settings in the config file (secrets) stay. --relay / HOOKTUNNEL_RELAY still choose a relay for one run.

Example:
  hooktunnel logout && hooktunnel listen 3000          back to the embedded relay`,
    )
    .action(async () => {
      const { logout } = await import('../actions/login.js');
      logout();
    });
}
