// Splits a chunk of typed characters into single keys: a fast typist or tmux send-keys can deliver "/git\r" in one read.

import type { Key } from 'ink';

const NONE: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink passes several characters that arrive together as one `input` (it treats them as a paste). Keys are meant
 * one at a time here, so plain multi-character input is replayed character by character, with Enter, Tab and
 * Backspace recognised inside it. Anything Ink already decoded (arrows, ctrl, meta) passes through as is.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return chars.map((ch): [string, Key] => {
    if (ch === '\r' || ch === '\n') return ['', { ...NONE, return: true }];
    if (ch === '\t') return ['', { ...NONE, tab: true }];
    if (ch === '\x7f' || ch === '\b') return ['', { ...NONE, backspace: true }];
    return [ch, { ...NONE, shift: ch !== ch.toLowerCase() }];
  });
}
