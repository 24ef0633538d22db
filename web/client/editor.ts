// Edit and replay: method, path, headers (one `Name: value` per line, order kept) and a text body, then send,
// re-signed when a secret is known. Binary, compressed or very large bodies are sent as recorded. A form that is one
// field holding JSON (GitHub's `payload=<url-encoded JSON>`, Slack's interactivity) is edited as that JSON, as
// `replay --edit` does (the server names the field: src/form-json-field.ts), and sent form-encoded again.

import { api } from './api.js';
import { el } from './dom.js';
import { headerValueBytes, headerValueText } from './format.js';
import { closeModal, openModal } from './modal.js';
import type { Detail, HeaderPairs } from './types.js';

/** Bodies larger than this are not put in a text box. */
const EDITABLE_BODY_LIMIT = 1024 * 1024;

const headerLine = (name: string, value: string) => `${name}: ${headerValueText(value)}`;

export function headersToText(headers: HeaderPairs): string {
  return headers.map(([name, value]) => headerLine(name, value)).join('\n');
}

/**
 * `Name: value` lines back to pairs; blank lines are skipped, a line without a colon is an error. A line left as it
 * was shown keeps its recorded bytes (a latin1 value shown as it came); one typed or changed goes out as UTF-8.
 */
export function textToHeaders(text: string, recorded: HeaderPairs): HeaderPairs {
  const unchanged = new Map<string, string[]>();
  for (const [name, value] of recorded) {
    const line = headerLine(name, value);
    unchanged.set(line, [...(unchanged.get(line) ?? []), value]);
  }
  const pairs: HeaderPairs = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header line ${i + 1} has no "Name: value"`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    pairs.push([name, unchanged.get(headerLine(name, value))?.shift() ?? headerValueBytes(value)]);
  });
  return pairs;
}

export async function openEditor(detail: Detail, onSent: (result: Awaited<ReturnType<typeof api.replayEdited>>) => void): Promise<void> {
  const s = detail.summary;
  const info = detail.request.body;
  const editable = info.utf8 && info.decodedSize === null && info.size <= EDITABLE_BODY_LIMIT;
  const original = editable && info.size > 0 ? new TextDecoder().decode(await api.bytes(s.id, 'request', 0, info.size, false)) : '';
  const method = el('input', { attrs: { name: 'method', value: s.method, size: '8', 'aria-label': 'method' } });
  const path = el('input', { class: 'wide', attrs: { name: 'path', value: s.path, 'aria-label': 'path' } });
  const headers = el('textarea', { attrs: { name: 'headers', rows: '8', 'aria-label': 'headers' } });
  headers.value = headersToText(detail.request.headers);
  const body = el('textarea', { attrs: { name: 'body', rows: '14', 'aria-label': 'body' } });
  // The server says which field holds JSON (src/form-json-field.ts, as `replay --edit` decides it).
  const json = editable && detail.formJsonField !== null ? new URLSearchParams(original).get(detail.formJsonField) : null;
  const field = json === null ? null : { name: detail.formJsonField!, json };
  body.value = field ? field.json : original;
  // Left as shown, the recorded text goes out (the percent-escapes as the sender wrote them); edited, the field anew.
  const bodyText = () => (!field ? body.value : body.value === field.json ? original : new URLSearchParams([[field.name, body.value]]).toString());
  if (!editable) body.disabled = true;
  const resign = el('input', { attrs: { type: 'checkbox', name: 'resign' } });
  resign.checked = true;
  const error = el('p', { class: 'error' });
  const send = el('button', {
    class: 'primary',
    text: 'send',
    attrs: { 'data-action': 'send' },
    on: {
      click: () => {
        let edit: Record<string, unknown>;
        try {
          edit = { method: method.value.trim(), path: path.value.trim(), headers: textToHeaders(headers.value, detail.request.headers), resign: resign.checked };
        } catch (e) {
          error.textContent = (e as Error).message;
          return;
        }
        if (editable) edit.body = { encoding: 'utf8', data: bodyText() };
        send.disabled = true;
        api.replayEdited(s.id, edit).then(
          (result) => (closeModal(), onSent(result)),
          (e: Error) => ((error.textContent = e.message), (send.disabled = false)),
        );
      },
    },
  });
  openModal(`edit & replay #${s.id}`, [
    el('div', { class: 'edit-line' }, [method, path]),
    el('label', { text: 'headers (one "Name: value" per line, in order; Content-Length is corrected to the body)' }),
    headers,
    el('label', { text: !editable ? 'body (binary, compressed or over 1 MiB: sent as recorded)' : field ? `body: the JSON of the form field "${field.name}" (sent form-encoded)` : 'body' }),
    body,
    el('label', { class: 'inline' }, [resign, ' re-sign with the configured secret (new timestamp and signature)']),
    error,
  ], [send]);
}
