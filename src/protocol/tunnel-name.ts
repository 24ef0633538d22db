// What a tunnel name may be: the relay enforces it, and `listen --name` checks it before connecting.

/** A DNS label in lower case, so a name also works as a subdomain (relay --domain). */
export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `name` cannot be a tunnel name, or undefined when it can. */
export function tunnelNameProblem(name: string): string | undefined {
  return NAME_PATTERN.test(name) ? undefined : `name "${name}" must be 1-63 lowercase letters, digits or dashes`;
}
