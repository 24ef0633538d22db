// A form body that is one field holding JSON: GitHub's webhooks with the "application/x-www-form-urlencoded" content
// type (`payload=<url-encoded JSON>`) and Slack's interactivity posts. Its bytes are percent-encoded JSON, which no one
// can read or edit as it is, so `replay --edit` opens the JSON inside and puts the edit back in the same field.

import type { HeaderPairs } from './exchange.js';
import { isFormEncoded, parseForm } from './webhooks/body.js';

export interface FormJsonField {
  /** The field's name (`payload`). */
  name: string;
  /** Its value, the JSON text as the sender wrote it. */
  json: string;
}

/**
 * The one field of a form-encoded body when it looks like a JSON object or array (the caller parses it); undefined for
 * any other body (a form of several fields, as a Slack slash command's, stays as it is: its fields are not one
 * document to edit), and for one too big to parse as a form (parseForm's cap).
 */
export function formJsonField(headers: HeaderPairs, body: Buffer): FormJsonField | undefined {
  if (!isFormEncoded(headers)) return undefined;
  const fields = [...parseForm(body)];
  if (fields.length !== 1) return undefined;
  const [name, json] = fields[0];
  return /^\s*[[{]/.test(json) ? { name, json } : undefined;
}

/** The form body of that one field holding `json`, encoded as browsers and form parsers expect (a space is `+`). */
export function encodeFormJsonField(name: string, json: string): Buffer {
  return Buffer.from(new URLSearchParams([[name, json]]).toString());
}
