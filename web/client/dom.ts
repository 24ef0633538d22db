// The only way the page makes elements. Text goes in through textContent and attributes through setAttribute on
// names we choose: webhook content never becomes markup (there is no innerHTML anywhere in the page), and its
// invisible or reordering characters show as escapes (visible-text.ts).

import { visibleText } from './visible-text.js';

export type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  /** Attribute names are ours, never taken from a webhook; values may be anything. */
  attrs?: Record<string, string>;
  text?: string;
  title?: string;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.title !== undefined) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  if (props.text !== undefined) node.textContent = visibleText(props.text);
  for (const [name, handler] of Object.entries(props.on ?? {})) node.addEventListener(name, handler as EventListener);
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(visibleText(child)) : child);
  }
}

/** Empties a node and fills it again. */
export function replaceChildren(parent: Element, children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node as T;
}
