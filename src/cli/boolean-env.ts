// Switches set through the environment (HOOKTUNNEL_ACK, HOOKTUNNEL_NO_WEB, HOOKTUNNEL_NO_OPEN): commander takes a
// variable that is present as the flag given, whatever its value, so `HOOKTUNNEL_ACK=0` turned acknowledge mode on.

import type { Command } from 'commander';

/** Values that say "off", as .env files and compose files write them. */
const OFF = new Set(['', '0', 'false', 'no', 'off']);

/**
 * For commander's preAction hook: a switch whose variable says "off" is left as if the flag was not given, still
 * counting as set by the environment (so it overrides hooktunnel.yml, as any variable does).
 */
export function honourOffSwitches(command: Command): void {
  for (const option of command.options) {
    // Switches only: an option that takes a value reads the variable's value itself.
    if (!option.envVar || option.required || option.optional) continue;
    const key = option.attributeName();
    if (command.getOptionValueSource(key) !== 'env') continue;
    const value = process.env[option.envVar]?.trim().toLowerCase();
    // --ack off is false; --no-web off is true (the web inspector is served).
    if (value !== undefined && OFF.has(value)) command.setOptionValueWithSource(key, option.negate, 'env');
  }
}
