// What a command says while it opens a capture store that this version must first update: seconds of silence before
// `listen` prints its URL, or `ls` its rows, read as a hang. On stderr only: scripts parse `--json` and `export -`.

import { formatDuration } from '../duration.js';
import { sanitize } from '../sanitize.js';
import type { UpgradeListener } from '../store/migrations.js';

export function upgradeNotice(path: string, write: (text: string) => void = (text) => process.stderr.write(text)): UpgradeListener {
  return {
    starting({ exchanges }) {
      const count = `${exchanges.toLocaleString('en-US')} exchange${exchanges === 1 ? '' : 's'}`;
      // The path may come from hooktunnel.yml or HOOKTUNNEL_DB: any bytes at all.
      write(`note: updating the recording store ${sanitize(path)} for this version of hooktunnel (${count}; once, may take a few seconds)…\n`);
    },
    finished(_upgrade, elapsedMs) {
      write(`note: recording store updated in ${formatDuration(elapsedMs)}\n`);
    },
  };
}
