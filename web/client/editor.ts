// Edit and replay: method, path, headers (one `Name: value` per line, order kept) and a text body, then send,
// re-signed when a secret is known. Binary, compressed or very large bodies are sent as recorded.

import { api } from './api.js';
import { el } from './dom.js';
import { closeModal, openModal } from './modal.js';
import type { Detail, HeaderPairs } from './types.js';

/** Bodies larger than this are not put in a text box. */
const EDITABLE_BODY_LIMIT = 1024 * 1024;

export function headersToText(headers: HeaderPairs): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** `Name: value` lines back to pairs; blank lines are skipped, a line without a colon is an error. */
export function textToHeaders(text: string): HeaderPairs {
  const pairs: HeaderPairs = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header line ${i + 1} has no "Name: value"`);
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
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
  body.value = original;
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
          edit = { method: method.value.trim(), path: path.value.trim(), headers: textToHeaders(headers.value), resign: resign.checked };
        } catch (e) {
          error.textContent = (e as Error).message;
          return;
        }
        if (editable) edit.body = { encoding: 'utf8', data: body.value };
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
    el('label', { text: editable ? 'body' : 'body (binary, compressed or over 1 MiB: sent as recorded)' }),
    body,
    el('label', { class: 'inline' }, [resign, ' re-sign with the configured secret (new timestamp and signature)']),
    error,
  ], [send]);
}
