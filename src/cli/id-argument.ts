// How the commands that take exchange ids (show, replay, retry, verify, diff) describe them in --help: one wording,
// since all take the same two kinds (exchange-ids.ts). Kept apart from exchange-ids.ts so `--help` loads nothing more.

export const ID_ARGUMENT = 'exchange id, as `hooktunnel ls` prints it, or a provider event id (evt_…, a GitHub delivery GUID, msg_…)';
export const IDS_ARGUMENT = 'exchange ids, as `hooktunnel ls` prints them, or provider event ids (evt_…, a GitHub delivery GUID, msg_…)';

/** For the help text after the options. */
export const EVENT_ID_HELP = `A number is hooktunnel's own id; anything else is looked up as the provider's event id. An event recorded
more than once (its sender delivered it again, or it was replayed) stands for the sender's first delivery; a note on
stderr then names the others' ids, to give one of them instead.`;
