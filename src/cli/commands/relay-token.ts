// `hooktunnel relay token create|list|revoke` and `relay name list|give|release`: the relay's state, edited while it runs.

import { Command, Option } from 'commander';
import { withJsonErrors } from '../json-error.js';

export interface StateFlags {
  dataDir?: string;
  tokenFile?: string;
}

/** --data-dir given here wins over one given to `relay` (or its env var). */
function dataDirOf(command: Command): string | undefined {
  return (command.opts() as StateFlags).dataDir ?? (command.optsWithGlobals() as StateFlags).dataDir;
}

/** The tokens `hooktunnel relay` would read besides its stored ones: HOOKTUNNEL_RELAY_TOKENS and --token-file (or its env var). */
function givenTokensOf(command: Command) {
  const tokenFile = (command.opts() as StateFlags).tokenFile ?? (command.optsWithGlobals() as StateFlags).tokenFile;
  return { env: process.env.HOOKTUNNEL_RELAY_TOKENS, tokenFile };
}

/** As `relay --token-file`; HOOKTUNNEL_RELAY_TOKEN_FILE is read by `relay` itself, which hands it on. */
const tokenFileOption = () => new Option('--token-file <file>', 'the relay\'s --token-file (default: HOOKTUNNEL_RELAY_TOKEN_FILE)');

/** The examples that end a command's --help, one command line each. */
const examples = (...lines: string[]) => `\nExample${lines.length === 1 ? '' : 's'}:\n${lines.map((line) => `  ${line}`).join('\n')}`;

function leaf(name: string, description: string, ...exampleLines: string[]): Command {
  // Nested commands do not inherit the CLI's exitOverride; without it commander would call process.exit itself.
  return new Command(name)
    .description(description)
    .option('--data-dir <dir>', 'the relay\'s --data-dir (default: HOOKTUNNEL_RELAY_DATA_DIR, else $XDG_DATA_HOME/hooktunnel/relay)')
    .addHelpText('after', examples(...exampleLines))
    .exitOverride();
}

/** --redis, given here or to `relay` (commander gives a flag both know to the parent). */
const redisOf = (command: Command): string | undefined =>
  (command.opts() as { redis?: string }).redis ?? (command.optsWithGlobals() as { redis?: string }).redis;

/** Names of a cluster live in its Redis (`relay --redis`), not in a node's --data-dir. */
const redisOption = () => new Option('--redis <url>', 'the names of a relay cluster, in its Redis (as the nodes\' --redis)').env('HOOKTUNNEL_REDIS');

export function relayTokenCommand(): Command {
  return new Command('token')
    .description('Tokens tunnel clients must send (the relay stores only their SHA-256).')
    .addHelpText('after', examples('hooktunnel relay token create --name laptop', 'hooktunnel relay token list', 'hooktunnel relay token revoke laptop'))
    .exitOverride()
    .addCommand(
      leaf(
        'create',
        'Create a token and print it once (to stdout; the explanation goes to stderr).',
        'hooktunnel relay token create --name laptop',
        'sudo -u hooktunnel HOOKTUNNEL_RELAY_DATA_DIR=/var/lib/hooktunnel-relay hooktunnel relay token create --name ci',
      )
        .option('--name <name>', 'a name to list and revoke it by (default: token-<n>)')
        .action(async (flags: { name?: string }, command: Command) => {
          const { createToken } = await import('../actions/relay-token.js');
          createToken(dataDirOf(command), flags.name, Boolean(process.env.HOOKTUNNEL_REDIS));
        }),
    )
    .addCommand(
      withJsonErrors(
        leaf(
          'list',
          'List the tokens the relay accepts (stored, HOOKTUNNEL_RELAY_TOKENS, --token-file), with the names each one holds.',
          'hooktunnel relay token list',
          'hooktunnel relay token list --data-dir /var/lib/hooktunnel-relay --token-file /etc/hooktunnel/tokens',
          'hooktunnel relay token list --redis redis://10.0.0.3:6379     on a cluster node: the names each token holds in the cluster',
          'hooktunnel relay token list --json     [{"name":"laptop","source":"stored","created":"2026-12-07 23:41","names":["stripe-dev"]}]',
        ),
      )
        .addOption(tokenFileOption())
        .addOption(redisOption())
        .option('--json', 'print one JSON array (name, source, created or null, names); errors as JSON on stderr')
        .action(async (flags: { json?: boolean }, command: Command) => {
          const redis = redisOf(command);
          if (redis) {
            const { listTokensInRedis } = await import('../actions/relay-cluster-names.js');
            return listTokensInRedis(redis, dataDirOf(command), givenTokensOf(command), flags.json);
          }
          const { listTokens } = await import('../actions/relay-token.js');
          listTokens(dataDirOf(command), givenTokensOf(command), undefined, flags.json);
        }),
    )
    .addCommand(
      withJsonErrors(
        leaf(
          'revoke',
          'Revoke a token; its tunnels on a running relay close within seconds. Says which names it leaves reserved and what is queued for them.',
          'hooktunnel relay token revoke laptop',
          'hooktunnel relay token revoke laptop --json     {"revoked":"laptop","names":[{"name":"stripe-dev","queued":3}]}',
          'hooktunnel relay token revoke laptop --redis redis://10.0.0.3:6379     on a cluster node: the names it leaves are the cluster\'s',
        ),
      )
        .argument('<name>', 'the token\'s name, as `relay token list` shows it')
        .addOption(tokenFileOption())
        .addOption(redisOption())
        .option('--json', 'print the result as one JSON line; errors as JSON on stderr')
        .action(async (name: string, flags: { json?: boolean }, command: Command) => {
          const redis = redisOf(command);
          if (redis) {
            const { revokeTokenInRedis } = await import('../actions/relay-cluster-names.js');
            return revokeTokenInRedis(redis, dataDirOf(command), name, givenTokensOf(command), flags.json);
          }
          const { revokeToken } = await import('../actions/relay-token.js');
          revokeToken(dataDirOf(command), name, givenTokensOf(command), flags.json);
        }),
    );
}

export function relayNameCommand(): Command {
  return new Command('name')
    .description('Reserved names (stable URLs): each belongs to the token that first claimed it.')
    .addHelpText('after', examples('hooktunnel relay name list', 'hooktunnel relay name give stripe-dev laptop-2', 'hooktunnel relay name release stripe-dev'))
    .exitOverride()
    .addCommand(
      withJsonErrors(
        leaf(
          'list',
          'List reserved names and the tokens that own them (stored, HOOKTUNNEL_RELAY_TOKENS, --token-file), by the names `relay token list` gives them.',
          'hooktunnel relay name list',
          'hooktunnel relay name list --redis redis://10.0.0.3:6379',
          'hooktunnel relay name list --json     [{"name":"stripe-dev","claimed":"2026-12-07 23:41","token":"laptop"}]',
        ),
      )
        .addOption(redisOption())
        .addOption(tokenFileOption())
        .option('--json', 'print one JSON array (name, claimed, token: null with tokenDigest for a token not stored or given here); errors as JSON on stderr')
        .action(async (flags: { json?: boolean }, command: Command) => {
          const redis = redisOf(command);
          if (redis) {
            const { listNamesInRedis } = await import('../actions/relay-cluster-names.js');
            return listNamesInRedis(redis, dataDirOf(command), givenTokensOf(command), flags.json);
          }
          const { listNames } = await import('../actions/relay-token.js');
          listNames(dataDirOf(command), givenTokensOf(command), flags.json);
        }),
    )
    .addCommand(
      withJsonErrors(
        leaf(
          'give',
          'Move a reserved name to another token with the requests queued for it: that token\'s `listen --name` receives them (to rotate a token, create the new one, revoke the old, give its names).',
          'hooktunnel relay name give stripe-dev laptop-2',
          'hooktunnel relay name give stripe-dev laptop-2 --json     {"name":"stripe-dev","token":"laptop-2","queued":3}',
          'hooktunnel relay name give stripe-dev "/etc/hooktunnel/tokens #3" --redis redis://10.0.0.3:6379     a cluster\'s name, on every node',
        ),
      )
        .argument('<name>', 'the reserved name')
        .argument('<token>', 'the token to give it to: a name or label as `relay token list` shows it')
        .addOption(tokenFileOption())
        .addOption(redisOption())
        .option('--json', 'print the result as one JSON line; errors as JSON on stderr')
        .action(async (name: string, token: string, flags: { json?: boolean }, command: Command) => {
          const redis = redisOf(command);
          if (redis) {
            const { giveNameInRedis } = await import('../actions/relay-cluster-names.js');
            return giveNameInRedis(redis, name, token, dataDirOf(command), givenTokensOf(command), flags.json);
          }
          const { giveName } = await import('../actions/relay-name-give.js');
          giveName(dataDirOf(command), name, token, givenTokensOf(command), flags.json);
        }),
    )
    .addCommand(
      leaf(
        'release',
        'Free a reserved name, so the next token that asks for it gets it; what is queued for it is dropped (`relay name give` hands it on instead).',
        'hooktunnel relay name release stripe-dev',
        'hooktunnel relay name release stripe-dev --redis redis://10.0.0.3:6379     a cluster\'s name, once its client is gone',
      )
        .argument('<name>', 'the reserved name')
        .addOption(redisOption())
        .action(async (name: string, _flags: object, command: Command) => {
          const redis = redisOf(command);
          if (redis) {
            const { releaseNameInRedis } = await import('../actions/relay-cluster-names.js');
            return releaseNameInRedis(redis, name);
          }
          const { releaseName } = await import('../actions/relay-token.js');
          releaseName(dataDirOf(command), name);
        }),
    );
}
