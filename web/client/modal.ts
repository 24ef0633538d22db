// One modal dialog for the editor, the diff and the curl command; Esc closes it (the browser's own <dialog> behaviour).

import { byId, el, replaceChildren, type Child } from './dom.js';

export function openModal(title: string, content: Child[], buttons: HTMLElement[] = []): HTMLDialogElement {
  const dialog = byId<HTMLDialogElement>('modal');
  const close = el('button', { text: 'close', attrs: { 'data-action': 'close' }, on: { click: () => dialog.close() } });
  const heading = el('h2', { text: title, attrs: { tabindex: '-1' } });
  replaceChildren(dialog, [heading, el('div', { class: 'modal-body' }, content), el('div', { class: 'modal-buttons' }, [...buttons, close])]);
  if (!dialog.open) dialog.showModal();
  // The browser focuses the first button, which may be far below in a long diff: start at the top instead.
  heading.focus();
  return dialog;
}

export function closeModal(): void {
  byId<HTMLDialogElement>('modal').close();
}

export function modalOpen(): boolean {
  return byId<HTMLDialogElement>('modal').open;
}
