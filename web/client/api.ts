// Calls to the inspector's own API. Same origin only: the browser adds the Origin header and the secret cookie.

import { parseExact } from './exact-json.js';
import type { Detail, DiffResult, Info, Summary } from './types.js';

/** An answer other than 2xx, with its status (404: the exchange is gone, pruned). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function check(response: Response): Promise<Response> {
  if (response.ok) return response;
  const message = (await response.text()).trim();
  throw new ApiError(message || `HTTP ${response.status}`, response.status);
}

/** fetch, with the one failure that is no answer at all (the hooktunnel process is gone) said in words. */
async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    throw new Error(`cannot reach hooktunnel at ${location.origin}: has it stopped?`);
  }
}

async function getJson<T>(url: string): Promise<T> {
  return (await check(await request(url, { headers: { Accept: 'application/json' } }))).json() as Promise<T>;
}

/** For answers holding values from bodies (the diff): an id past 2^53 stays as sent instead of rounding. */
async function getExactJson<T>(url: string): Promise<T> {
  return parseExact(await (await check(await request(url, { headers: { Accept: 'application/json' } }))).text()) as T;
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await check(response)).json() as Promise<T>;
}

/** A replay's answer: the new exchange, and whether it went out signed afresh (with how to give a missing secret). */
/** Why a replay or retry was not delivered, as the server words it (src/delivery/delivery-failure.ts); null when it was. */
export interface DeliveryFailure {
  code: string;
  message: string;
  hint: string | null;
}

export interface Replayed {
  exchange: Summary;
  failure: DeliveryFailure | null;
  resign: { resigned: boolean; reason?: string; hint: string | null } | null;
}

export const api = {
  info: () => getJson<Info>('/api/info'),
  session: () => getJson<{ canWrite: boolean }>('/api/session'),
  list: (query: string, before?: number) => {
    const params = new URLSearchParams({ q: query });
    if (before !== undefined) params.set('before', String(before));
    return getJson<{ items: Summary[]; next: number | null }>(`/api/exchanges?${params}`);
  },
  detail: (id: number) => getJson<Detail>(`/api/exchanges/${id}`),
  /** A window of body bytes; `decoded` asks for the gunzipped bytes. */
  bytes: async (id: number, part: 'request' | 'response', offset: number, length: number, decoded: boolean) => {
    const params = new URLSearchParams({ offset: String(offset), length: String(length), decoded: decoded ? '1' : '0' });
    const response = await check(await request(`/api/exchanges/${id}/body/${part}?${params}`));
    return new Uint8Array(await response.arrayBuffer());
  },
  curl: async (id: number) => (await check(await request(`/api/exchanges/${id}/curl`))).text(),
  diff: (a: number, b: number) => getExactJson<DiffResult>(`/api/diff?a=${a}&b=${b}`),
  replay: (id: number, resign: boolean) => postJson<Replayed>(`/api/exchanges/${id}/replay`, { resign }),
  replayEdited: (id: number, edit: unknown) => postJson<Replayed>(`/api/exchanges/${id}/replay-edited`, edit),
  retry: (id: number) => postJson<{ exchange: Summary; failure: DeliveryFailure | null }>(`/api/exchanges/${id}/retry`, {}),
};

export const rawUrl = (id: number, part: 'request' | 'response', decoded = false) => `/api/exchanges/${id}/raw/${part}${decoded ? '?decoded=1' : ''}`;
export const harUrl = (ids: number[]) => `/api/export.har?ids=${ids.join(',')}`;
