// The shapes the inspector's API answers with (see src/web/page-json.ts and exchangeToJson in src/exchange.ts).

export type HeaderPairs = [string, string][];

export interface WebhookInfo {
  provider: string | null;
  eventType: string | null;
  eventId: string | null;
  verification: 'valid' | 'invalid' | 'unchecked';
  reason: string | null;
  /** What is wrong, as a code (see VerificationProblem in src/exchange.ts); absent for any other verdict. */
  problem?: 'too_old' | 'too_new' | 'repeated_header';
  duplicateOf: number | null;
  outOfOrder: boolean;
  /** Why the provider sent it again, as its headers say: Slack's `retry 1: http_timeout`; absent when it did not say. */
  retry?: string;
}

export interface Summary {
  id: number;
  replayOf: number | null;
  deliveryId: string | null;
  url: string | null;
  target: string;
  receivedAt: string;
  method: string;
  path: string;
  status: number | null;
  durationMs: number | null;
  state: 'pending' | 'complete' | 'failed' | 'interrupted';
  error: { code: string; message: string | null } | null;
  webhook: WebhookInfo | null;
  request: { size: number };
  response: { size: number | null } | null;
  lateByMs: number | null;
  /** The sender hung up then, before the app's answer (which `status` and `response` are); present only then. */
  senderGoneAfterMs?: number;
  sender: { reason: 'offline' | 'ack'; status: number } | null;
  attempts: number;
  nextAttemptAt: string | null;
  /** The hooktunnel.yml route (path prefix) that took it; null without routes. */
  route: string | null;
  /** The redaction rules that took something out before it was stored. */
  redacted: string[];
}

export interface BodyInfo {
  size: number;
  sha256: string;
  contentType: string;
  contentEncoding: string;
  utf8: boolean;
  decodedUtf8: boolean | null;
  decodedSize: number | null;
  /** Why a body labelled gzip is shown as stored; null when it decoded or is not labelled gzip. */
  gzipProblem: string | null;
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  trigger: 'auto' | 'manual';
  status: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
  /** Sent signed afresh: the sender's signature had aged past its provider's window. */
  resigned: boolean;
}

export interface Detail {
  summary: Summary;
  request: { headers: HeaderPairs; body: BodyInfo };
  response: { headers: HeaderPairs; body: BodyInfo } | null;
  attempts: Attempt[];
  /** After "no secret configured for <provider>": how to give one; after a mismatch: how to give a rolled secret's old one. */
  signatureHint: string | null;
  /** What only the body says beside the event: `account acct_…` for a Stripe Connect event, `live mode`, `api …`. */
  eventContext: { label: string; value: string | null; notice?: boolean }[];
  /** `answered after 12.0s: github waits 10.0s, …`, from the server (src/webhooks/answer-deadline.ts); else null. */
  slowAnswer: string | null;
  /** `the answer does not echo the challenge, so Slack would not take the Request URL …`, from the server (src/webhooks/slack-challenge.ts); else null. */
  challengeProblem: string | null;
  /** The request body's one form field that holds JSON (GitHub's `payload`), which the editor edits as JSON; else null. */
  formJsonField: string | null;
}

export interface Info {
  mode: 'listen' | 'web';
  publicUrl: string | null;
  target: string;
  dbPath: string;
  connection: string | null;
  /** `hooktunnel listen <port> --db <path>` (`hooktunnel listen --db <path>` with hooktunnel.yml routes) with the path quoted for a shell by the server (src/web/info-json.ts). */
  listenCommand: string;
  version?: string;
}

/** A JSON difference as src/diff/json-diff.ts reports it (the same as `hooktunnel diff --json`). */
export type JsonChange = { path: string; change: 'added' | 'removed' | 'changed'; a?: unknown; b?: unknown };
export type LineChange = { op: ' ' | '-' | '+'; text: string };

/** Every value of one header on each side, in order (`hooktunnel diff`'s grouping). */
export interface HeaderChange {
  name: string;
  a: string[];
  b: string[];
}

/** status: the answer's (the app's, or hooktunnel's own 502/504), null when none came (state and error say why). */
export interface DiffSide extends Pick<Summary, 'id' | 'method' | 'path' | 'status' | 'state' | 'error'> {
  contentType: string;
}

export interface DiffResult {
  a: DiffSide;
  b: DiffSide;
  headers: { added: HeaderChange[]; removed: HeaderChange[]; changed: HeaderChange[] };
  /** `truncated`: the server listed only the first changes (MAX_JSON_CHANGES, src/web/json-diff.ts). */
  body: { kind: 'json'; changes: JsonChange[]; sameBytes: boolean; truncated?: true } | { kind: 'text'; lines: LineChange[] } | { kind: 'bytes'; same: boolean; reason: string };
}
