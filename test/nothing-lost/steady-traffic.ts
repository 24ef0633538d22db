// Traffic that does not pause for a stop: an app that holds every request until told, and a sender that sends one
// request after another (a sender retrying, a busy account) until the test stops it or the tunnel's address refuses it.

import { send } from '../helpers/http.js';
import { watchfulApp } from './helpers.js';

/** A local app that answers nothing until release(), then everything (held and later) at once. */
export async function holdingApp() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const app = await watchfulApp(() => released);
  return { ...app, release };
}

export interface SentReply {
  path: string;
  status: number;
}

/**
 * Sends POST `${url}/hook/1`, `/hook/2`… one after another. replies holds those answered; stop() ends the loop and
 * returns them. A request the address refuses or cuts (the embedded relay gone with its listen) ends the loop.
 */
export function steadySender(url: string) {
  const replies: SentReply[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let n = 1; !stopped; n++) {
      const path = `/hook/${n}`;
      try {
        replies.push({ path, status: (await send(`${url}${path}`, { body: String(n) })).status });
      } catch {
        return;
      }
    }
  })();
  return {
    replies,
    async stop(): Promise<SentReply[]> {
      stopped = true;
      await loop;
      return replies;
    },
  };
}
