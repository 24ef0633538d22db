// Runs `config check`: reads hooktunnel.yml as `listen` would, and prints the settings and routes it resolves to.

import chalk from 'chalk';
import { parseDuration } from '../../duration.js';
import { UserError, usageError } from '../../errors.js';
import { DEFAULT_HOST_HEADER, parseHostHeader } from '../../forward/host-header.js';
import { DEFAULT_LOCAL_TIMEOUT_MS } from '../../protocol/limits.js';
import { jsonText } from '../../output/json-text.js';
import { ackPathWithoutAck, findProjectConfig, resolveRoutes, type ConfigNamedBy } from '../../project-config/find-project-config.js';
import { fileKey, type FileFlags } from '../../project-config/project-config.js';
import { loadProjectConfig } from '../../project-config/read-project-config.js';
import { routeLines, routeViews } from '../../routes/route-view.js';
import { sanitize } from '../../sanitize.js';
import { secretPathNotes } from '../../routes/secret-path-notes.js';
import { secretProvider, secretsFromConfig, secretVariables } from '../../webhooks/secrets.js';

export interface ConfigCheckFlags {
  config?: string;
  json?: boolean;
}

/** `namedBy`: what gave --config its value (the flag or HOOKTUNNEL_CONFIG), for the error when it names no file. */
export async function configCheck(flags: ConfigCheckFlags, namedBy: ConfigNamedBy = '--config'): Promise<void> {
  if (!flags.json) return check(flags, namedBy);
  try {
    await check(flags, namedBy);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // A script asked for JSON: an invalid file is the same shape as a valid one ("valid": false), with the same exit code.
    const file = flags.config ?? findProjectConfig(undefined) ?? null;
    process.stdout.write(`${jsonText({ file, valid: false, error: { message: error.message, hint: error.hint ?? null } }, 2)}\n`);
    process.exitCode = error.exitCode;
  }
}

async function check(flags: ConfigCheckFlags, namedBy: ConfigNamedBy): Promise<void> {
  const file = findProjectConfig(flags.config, namedBy);
  // Exit 2 as `--help` says for any error (as for a --config naming no file): a CI step checking the file fails the same way.
  if (!file) throw new UserError(`no hooktunnel.yml in ${process.cwd()}`, { hint: 'create one (see README: "hooktunnel.yml"), or point --config / HOOKTUNNEL_CONFIG at it', exitCode: 2 });
  const project = loadProjectConfig(file);
  const { token, ...shown } = project.flags;
  // The token's value never reaches the output: only whether the environment supplied it.
  const settings = { ...shown, ...(token ? { token: '(set from the environment)' } : {}) };
  const routes = resolveRoutes(project.routes, {
    timeoutMs: project.flags.timeout === undefined ? DEFAULT_LOCAL_TIMEOUT_MS : parseDuration(project.flags.timeout, 'timeout'),
    hostHeader: parseHostHeader(project.flags.hostHeader ?? DEFAULT_HOST_HEADER),
  });
  // listen refuses this pair (acknowledged requests are delivered from the store, which holds only redacted bytes):
  // the file is not valid for listen, so it is not "ok" here either.
  const ackRoutes = routes.filter((r) => r.mode === 'ack').map((r) => r.prefix);
  if (project.flags.redact?.length && (project.flags.ack || ackRoutes.length > 0)) {
    const ack = project.flags.ack ? 'ack: true' : `the ack route${ackRoutes.length === 1 ? '' : 's'} ${ackRoutes.join(', ')}`;
    throw usageError(`${file}: redact cannot be used with acknowledge mode (${ack})`, 'remove redact (redact at export time instead: hooktunnel export --redact …), or make the ack routes forward routes');
  }
  const ackPathProblem = ackPathWithoutAck(file, project.flags);
  if (ackPathProblem) throw ackPathProblem;
  const secrets = project.secrets && typeof project.secrets === 'object' ? Object.keys(project.secrets) : [];
  // Secrets rank flags, then HOOKTUNNEL_SECRET_* variables, then files: a variable set here wins over the file's entry,
  // which is then never used. Said, so a file's secret that "does not work" is not a mystery.
  const variables = secretVariables(process.env);
  const overriddenSecrets = secrets.flatMap((name) => {
    const by = variables.find((v) => v.provider === secretProvider(name));
    return by ? [{ provider: name, by: by.variable }] : [];
  });
  const secretNotes = secretPathNotes(secretsFromConfig(project.secrets), routes.map((r) => r.prefix));
  if (flags.json) {
    process.stdout.write(`${jsonText({ file, valid: true, settings, secrets, overriddenSecrets, secretNotes, routes: routeViews(routes) }, 2)}\n`);
    return;
  }
  const lines = [`${chalk.green('ok')}  ${sanitize(file)}`];
  // Named as the file writes them (ack-path, not ackPath); --json keeps its camelCase keys, as every JSON shape has them.
  for (const [key, value] of Object.entries(settings)) {
    lines.push(`  ${fileKey(key as keyof FileFlags)}: ${sanitize(Array.isArray(value) ? value.join(', ') : String(value))}`);
  }
  if (secrets.length > 0) {
    const shownSecret = (name: string) => {
      const by = overriddenSecrets.find((o) => o.provider === name)?.by;
      return by ? `${sanitize(name)} ${chalk.yellow(`(not used: ${by} is set, and wins over the file)`)}` : sanitize(name);
    };
    lines.push(`  secrets: ${secrets.map(shownSecret).join(', ')}`);
  }
  for (const note of secretNotes) lines.push(`  ${chalk.yellow('note:')} ${sanitize(note)}`);
  lines.push(routes.length > 0 ? 'routes (longest prefix first; the rest of the path is appended to the target):' : 'no routes: `hooktunnel listen` needs a target');
  lines.push(...routeLines(routes, '  '));
  process.stdout.write(`${lines.join('\n')}\n`);
}
