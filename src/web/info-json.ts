// The header facts as the page receives them (GET /api/info and the live feed's `info` event): the InspectorInfo,
// plus what the page would otherwise have to work out with rules the server already holds.

import { shellWord } from '../export/shell-quote.js';
import type { InspectorInfo } from './context.js';

export interface InfoJson extends InspectorInfo {
  /** The listen that records into this database, its path quoted for a shell (the empty list under `hooktunnel web`). */
  listenCommand: string;
}

export function infoJson(info: InspectorInfo): InfoJson {
  const { listen = 'hooktunnel listen <port>', ...facts } = info;
  return { ...facts, listenCommand: `${listen} --db ${shellWord(info.dbPath)}` };
}
