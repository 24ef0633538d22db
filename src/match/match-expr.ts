// `--match` expressions (`path=/stripe/*`, `status=2xx`, `header.X-GitHub-Event=push`, `body.data.id=evt_1` ...):
// parsed once into predicates over a recorded exchange. Pure: no store, no clock.

import { usageError } from '../errors.js';
import type { Exchange, MatchFields } from '../exchange.js';
import { globToRegExp } from './glob.js';
import { JsonInteger } from '../json-exact.js';
import { isFormEncoded, parseForm } from '../webhooks/body.js';
import { RECORDED_PROVIDERS, recordedProvider } from '../webhooks/secrets.js';
import { exactJsonText } from '../output/json-text.js';
import { jsonPathValue, parseJsonPath, type JsonPath } from './json-path.js';
import { isHttpToken } from '../http-headers.js';
import { normalizePrefix } from '../routes/route-table.js';

/**
 * One parsed expression; `test` says whether an exchange satisfies it. One that `reads` only the summary's fields
 * answers from them alone; header and body expressions need the whole exchange.
 */
export type Matcher =
  | { /** The expression as written, for messages. */ source: string; reads: 'fields'; test(exchange: MatchFields): boolean }
  | { source: string; reads: 'exchange'; test(exchange: Exchange): boolean };

/** The keys a user can write, for the error message and `--help`. */
export const MATCH_KEYS = ['path', 'method', 'status', 'provider', 'type', 'event', 'event-id', 'route', 'url', 'verified', 'header.<name>', 'body', 'body.<json.path>'];

const HINT = `use key=value with key one of ${MATCH_KEYS.join(', ')}; e.g. --match status=2xx --match header.X-GitHub-Event=push`;

/** Parses one `key=value` expression; a bad one is a usage error (exit 2) that names it. */
export function parseMatch(expression: string): Matcher {
  const eq = expression.indexOf('=');
  if (eq <= 0) throw usageError(`--match "${expression}" is not key=value`, HINT);
  const key = expression.slice(0, eq).trim();
  const value = expression.slice(eq + 1);
  const make = (test: (e: MatchFields) => boolean): Matcher => ({ source: expression, reads: 'fields', test });
  const lower = key.toLowerCase();

  if (lower.startsWith('header.')) {
    const name = key.slice('header.'.length).toLowerCase();
    if (!isHttpToken(name)) throw usageError(`--match "${expression}": "${key.slice(7)}" is not a header name`, HINT);
    const pattern = globToRegExp(value);
    return { source: expression, reads: 'exchange', test: (e) => e.requestHeaders.some(([n, v]) => n.toLowerCase() === name && pattern.test(v)) };
  }
  if (lower === 'body' || lower.startsWith('body.') || lower.startsWith('body[')) {
    return bodyMatcher(expression, key.slice(4), value);
  }
  switch (lower) {
    case 'path': {
      if (!value.startsWith('/') && !value.startsWith('*')) throw usageError(`--match "${expression}": a path pattern starts with /`, HINT);
      const pattern = globToRegExp(value, { pathSegments: true });
      // The query string is not part of the path a route or a glob speaks of.
      return make((e) => pattern.test(e.path.split('?')[0]));
    }
    case 'method': {
      if (!/^[A-Za-z]+$/.test(value)) throw usageError(`--match "${expression}": "${value}" is not an HTTP method`, HINT);
      return make((e) => e.method.toUpperCase() === value.toUpperCase());
    }
    case 'status':
      return make(statusTest(expression, value));
    case 'provider': {
      // Named as `ls --provider` takes it (svix is recorded as standard); a plain name hooktunnel never records would
      // only make a script wait out its --timeout, so it is refused as ls refuses it. A glob stays a glob.
      const named = recordedProvider(value);
      if (named) return make((e) => e.webhook?.provider === named);
      if (value && !/[*?]/.test(value)) {
        throw usageError(`--match "${expression}": "${value}" is not a provider hooktunnel recognises, so nothing would match`, `one of ${RECORDED_PROVIDERS}`);
      }
      return make(textTest(expression, value, (e) => e.webhook?.provider));
    }
    case 'type':
    case 'event':
      return make(eventTypeTest(expression, value));
    case 'event-id': {
      // The provider's own id of the event (GitHub's delivery GUID, Stripe's evt_…), as `show <event id>` takes it:
      // what a dashboard shows. Exact case, a glob; read from the whole exchange, as header expressions are.
      if (!value) throw usageError(`--match "${expression}" needs a value after =`, HINT);
      const pattern = globToRegExp(value);
      return { source: expression, reads: 'exchange', test: (e) => typeof e.webhook?.eventId === 'string' && pattern.test(e.webhook.eventId) };
    }
    case 'route':
      // Recorded without a trailing slash (`/github/:` in hooktunnel.yml is the route /github): written either way.
      return make(textTest(expression, value && normalizePrefix(value), (e) => e.route));
    case 'url':
      // The URL the sender called: only what came through a relay has one, so `url=*` leaves out trigger's and replay's
      // own rows (a `trigger --to <public URL>` is recorded twice, by trigger and by the listen it reached).
      return make(textTest(expression, value, (e) => e.url));
    case 'verified': {
      if (value !== 'true' && value !== 'false') throw usageError(`--match "${expression}": verified is true or false`, HINT);
      const want = value === 'true';
      return make((e) => (e.webhook?.verification === 'valid') === want);
    }
    default:
      throw usageError(`--match "${expression}": unknown key "${key}"`, HINT);
  }
}

/** Every expression must hold (an empty list matches any exchange). */
export function matchesAll(matchers: Matcher[], exchange: Exchange): boolean {
  return matchers.every((m) => m.test(exchange));
}

/** Could the exchange with these fields match? False when an expression on them rules it out; header and body ones wait for the whole exchange. */
export function fieldsMayMatch(matchers: Matcher[], fields: MatchFields): boolean {
  return matchers.every((m) => m.reads === 'exchange' || m.test(fields));
}

/** `2xx` a class, `404` one status, `4xx` ...; the status on record (hooktunnel's own 502/504 included). */
function statusTest(expression: string, value: string): (e: MatchFields) => boolean {
  const pattern = value.toLowerCase();
  if (!/^[1-5](\d\d|xx)$/.test(pattern)) throw usageError(`--match "${expression}": status is a code (404) or a class (2xx)`, HINT);
  const regex = new RegExp(`^${pattern.replace(/x/g, '\\d')}$`);
  return (e) => e.status !== null && regex.test(String(e.status));
}

/** Case-insensitive glob on a text field; an empty value is refused (it would only ever match nothing). */
function textTest(expression: string, value: string, field: (e: MatchFields) => string | null | undefined): (e: MatchFields) => boolean {
  if (!value) throw usageError(`--match "${expression}" needs a value after =`, HINT);
  const pattern = globToRegExp(value, { ignoreCase: true });
  return (e) => {
    const text = field(e);
    return text !== null && text !== undefined && pattern.test(text);
  };
}

/**
 * A glob over the event type or its first segments, as `ls --event`: `event=pull_request` takes GitHub's
 * `pull_request.opened` (X-GitHub-Event + action), `event=orders` Shopify's `orders/create`.
 */
function eventTypeTest(expression: string, value: string): (e: MatchFields) => boolean {
  if (!value) throw usageError(`--match "${expression}" needs a value after =`, HINT);
  const pattern = globToRegExp(value, { ignoreCase: true });
  return (e) => {
    const type = e.webhook?.eventType;
    if (type === null || type === undefined) return false;
    if (pattern.test(type)) return true;
    // Each separator ends a shorter type: pull_request.opened → pull_request.
    for (let at = 1; at < type.length; at++) {
      if ((type[at] === '.' || type[at] === '/') && pattern.test(type.slice(0, at))) return true;
    }
    return false;
  };
}

/**
 * The value at `path` in a form body: the first segment names the field, the rest goes into its value as JSON. Slack
 * posts interactivity as one field holding JSON, so `body.payload.type=block_actions`; Twilio's `body.MessageStatus`.
 */
function formPathValue(body: Buffer, path: JsonPath): ReturnType<typeof jsonPathValue> {
  const [field, ...rest] = path;
  const value = parseForm(body).get(String(field));
  if (value === null) return { found: false };
  return rest.length === 0 ? { found: true, value } : jsonPathValue(Buffer.from(value), rest);
}

/** `body=<glob>` over the body text, or `body.a.b[0]=value` over a JSON body (scalars compared as their JSON text). */
function bodyMatcher(expression: string, pathText: string, value: string): Matcher {
  const pattern = globToRegExp(value);
  if (!pathText) return { source: expression, reads: 'exchange', test: (e) => pattern.test(e.requestBody.toString('utf8')) };
  let path: JsonPath;
  try {
    path = parseJsonPath(pathText.replace(/^\./, ''));
  } catch (error) {
    throw usageError(`--match "${expression}": ${(error as Error).message}`, HINT);
  }
  return {
    source: expression,
    reads: 'exchange',
    test(e: Exchange) {
      const found = isFormEncoded(e.requestHeaders) ? formPathValue(e.requestBody, path) : jsonPathValue(e.requestBody, path);
      if (!found.found) return false;
      const v = found.value;
      let text: string;
      try {
        text = typeof v === 'string' ? v : v instanceof JsonInteger ? v.text : v !== null && typeof v === 'object' ? exactJsonText(v) : String(v);
      } catch {
        // Nested deeper than JSON.stringify can follow (valid JSON, from any sender): no match, rather than a crash.
        return false;
      }
      return pattern.test(text);
    },
  };
}
