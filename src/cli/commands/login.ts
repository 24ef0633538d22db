// `hooktunnel login <relay-url> --token <token>`: remember a self-hosted relay and its token for `listen`; `logout` forgets them.

import { Command, Option } from 'commander';
import type { LoginFlags } from '../actions/login.js';

export function loginCommand(): Command {
  return new Command('login')
    .description('Save a relay URL and its token in the config file, so `hooktunnel listen` uses them.')
    .argument('<relay-url>', 'the relay, e.g. https://hooks.example.com')
    .addOption(new Option('--token <token>', 'a token from `hooktunnel relay token create` on the relay').env('HOOKTUNNEL_TOKEN'))
    .addHelpText(
      'after',
      `
The file is $XDG_CONFIG_HOME/hooktunnel/config.json (~/.config/hooktunnel/config.json), readable by you only.
--relay, HOOKTUNNEL_RELAY, --token and HOOKTUNNEL_TOKEN still win over it; the saved token is sent to the saved relay only.

Examples:
  hooktunnel login https://hooks.example.com --token htr_...
  hooktunnel listen 3000 --name stripe-dev              https://hooks.example.com/t/stripe-dev`,
    )
    .action(async (relayUrl: string, flags: LoginFlags) => {
      const { login } = await import('../actions/login.js');
      login(relayUrl, flags);
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
