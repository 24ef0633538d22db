// Simulated GitHub deliveries: compact JSON with GitHub-Hookshot's headers and a fresh delivery GUID.

import { randomUUID } from 'node:crypto';
import { APP_ID, INSTALLATION_ID } from '../fixtures/github/app.js';
import { installationCreated } from '../fixtures/github/installation-created.js';
import { issuesOpened } from '../fixtures/github/issues-opened.js';
import { ping } from '../fixtures/github/ping.js';
import { pullRequestOpened } from '../fixtures/github/pull-request-opened.js';
import { push } from '../fixtures/github/push.js';
import { releasePublished } from '../fixtures/github/release-published.js';
import { HOOK_ID } from '../fixtures/github/shared.js';
import { copy, type Fixture, type Sender } from './sender.js';

// The object each event is about gets "now" as its times, so the sample reads like a fresh delivery.
function refreshTimes(payload: Fixture, nowMs: number): void {
  const iso = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const key of ['pull_request', 'issue', 'release', 'installation', 'hook']) {
    const subject = payload[key] as Record<string, unknown> | undefined;
    if (!subject) continue;
    for (const field of ['created_at', 'updated_at', 'published_at']) if (field in subject) subject[field] = iso;
  }
  const headCommit = payload.head_commit as Record<string, unknown> | undefined;
  if (headCommit) headCommit.timestamp = iso;
}

/** What every delivery of a GitHub App's webhook names: the installation the event is for (apps act as it). */
const INSTALLATION_REF = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNTMxMTI4NzM=' };

export const githubSender: Sender = {
  provider: 'github',
  appWebhooks: true,
  // The header names the event, the body its action: `pull_request.closed` is `X-GitHub-Event: pull_request`.
  eventHeader: (event) => `X-GitHub-Event: ${event.split('.')[0]}`,
  events: {
    push,
    'pull_request.opened': pullRequestOpened,
    'issues.opened': issuesOpened,
    'release.published': releasePublished,
    // A GitHub App's first two deliveries: its webhook's ping, then an installation.
    ping,
    'installation.created': installationCreated,
  },

  build(event, fixture, nowMs, asApp = false) {
    const payload = copy(fixture);
    refreshTimes(payload, nowMs);
    // A GitHub App's webhook adds the installation to every event (a Probot app's context.octokit acts as it).
    if (asApp) payload.installation ??= INSTALLATION_REF;
    // A repository's hook names the repository as its target; an App's hook (always that of ping and installation)
    // names the App.
    const repository = payload.repository as { id: number } | undefined;
    const [targetType, targetId] = repository && !asApp ? ['repository', repository.id] : ['integration', APP_ID];
    return {
      headers: [
        ['Accept', '*/*'],
        ['Content-Type', 'application/json'],
        ['User-Agent', 'GitHub-Hookshot/2b8e5c1'],
        ['X-GitHub-Delivery', randomUUID()],
        // The header names the event; the action lives in the body (`pull_request` + "opened").
        ['X-GitHub-Event', event.split('.')[0]],
        ['X-GitHub-Hook-ID', String(HOOK_ID)],
        ['X-GitHub-Hook-Installation-Target-ID', String(targetId)],
        ['X-GitHub-Hook-Installation-Target-Type', targetType],
        ['X-Hub-Signature', ''],
        ['X-Hub-Signature-256', ''],
      ],
      body: Buffer.from(JSON.stringify(payload)),
      signatureHeaders: ['X-Hub-Signature', 'X-Hub-Signature-256'],
    };
  },
};
