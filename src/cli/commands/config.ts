// `hooktunnel config check`: validate hooktunnel.yml and show what listen would do with it.

import { Command, Option } from 'commander';
import type { ConfigCheckFlags } from '../actions/config-check.js';

const FILE_HELP = `
hooktunnel.yml (in the working directory, or --config / HOOKTUNNEL_CONFIG) holds listen's flags by their names,
and routes: path prefix → forward (port or URL), ack (answer at once, deliver with retries) or mock (fixed answer).
The longest prefix wins; the rest of the path is appended to the target. Flags and environment override the file.

  relay: https://hooks.example.com
  token: \${HOOKTUNNEL_TOKEN}          # only from the environment
  name: acme-dev
  timeout: 30s
  secrets:
    stripe: \${STRIPE_WEBHOOK_SECRET}
  routes:
    /stripe:
      forward: 3000
      timeout: 2m
    /github: http://127.0.0.1:4000/hooks   # short for { forward: … }
    /shopify:
      ack: 5000
    /health:
      mock: { status: 200, headers: { Content-Type: text/plain }, body: ok }

Examples:
  hooktunnel config check                      is ./hooktunnel.yml valid, and what would listen do with it?
  hooktunnel listen                            serve its routes`;

export function configCommand(): Command {
  const check = new Command('check')
    .description('Validate hooktunnel.yml and print the settings and routes listen would use.')
    .addOption(new Option('--config <file>', 'the file (default: ./hooktunnel.yml)').env('HOOKTUNNEL_CONFIG'))
    .option('--json', 'print the resolved settings and routes as JSON')
    .addHelpText(
      'after',
      `
Exit status: 0 valid, 2 an error (named with file:line:column and key).

Examples:
  hooktunnel config check
  hooktunnel config check --config ci/hooktunnel.yml --json | jq .routes`,
    )
    .action(async (flags: ConfigCheckFlags, command: Command) => {
      const [{ configCheck }, { configNamedBy }] = await Promise.all([import('../actions/config-check.js'), import('../../project-config/find-project-config.js')]);
      await configCheck(flags, configNamedBy(command.getOptionValueSource('config')));
    });
  return new Command('config').description('Work with the project file hooktunnel.yml (routes and listen flags).').addHelpText('after', FILE_HELP).addCommand(check);
}
