// How to start recording, as the hints for an empty or missing store say it: `hooktunnel listen <port>`, or, in a
// project whose hooktunnel.yml has routes, `hooktunnel listen`: the routes name the apps, and a port would send
// everything to that one app and leave the routes unused.

import type { ProjectParts } from '../project-config/project-config.js';
import { readProjectHere } from './project-here.js';

const WITH_PORT = 'hooktunnel listen <port>';

/** `project`: the hooktunnel.yml the command already read (null: none here); left out, it is looked for. */
export async function listenHint(project?: ProjectParts | null): Promise<string> {
  try {
    const parts = project === undefined ? await readProjectHere() : project;
    return parts && parts.routes().length > 0 ? 'hooktunnel listen' : WITH_PORT;
  } catch {
    // A mistake in the file is listen's to report, with its line; a hint for an empty list must not fail `ls`.
    return WITH_PORT;
  }
}
