// The inspector's security rules: loopback Host only (DNS rebinding), nothing but the page for other sites (Fetch
// Metadata), same-origin Origin plus the per-run secret for anything that changes state, and the response headers
// every answer carries.

import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './router.js';

/**
 * No inline script or style, nothing from other origins, no framing, no form posts: webhook content that somehow
 * became markup still could not run. https://www.w3.org/TR/CSP3/
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A 128-bit secret for this run, URL-safe. */
export function newSecret(): string {
  return randomBytes(16).toString('base64url');
}

/** Cookies are per host, not per port: two inspectors on one machine must not overwrite each other's secret. */
export function cookieName(port: number): string {
  return `hooktunnel_${port}`;
}

/** The hosts a browser sends for this server: refuses every other (a rebound DNS name points at us with its own). */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** Throws 421 unless the Host header names this server on loopback. */
export function checkHost(req: IncomingMessage, port: number): void {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts(port).has(host)) {
    throw new HttpError(421, `Host "${host}" is not this inspector's address; open http://127.0.0.1:${port}/`);
  }
}

/**
 * Refuses what another site makes a browser ask for (Fetch Metadata: https://www.w3.org/TR/fetch-metadata/). Reads
 * need no secret, and one GET can make the inspector read, inflate and encode gigabytes on listen's thread (a HAR of
 * 200 × 25 MiB): a page on any site, or the app under development showing a webhook, must not be able to send it. Only
 * the page itself may be opened from a link elsewhere; curl and scripts send no Sec-Fetch-Site and pass.
 */
export function checkFetchSite(req: IncomingMessage, pathname: string): void {
  const site = req.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return;
  if (pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) return;
  throw new HttpError(403, 'refused: another site asked for this; open the inspector\'s own page (the URL hooktunnel printed)');
}

function sameSecret(given: string, secret: string): boolean {
  // Compared as digests so the lengths match and the time does not depend on the content.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/** The secret from this request's cookie, if any. */
export function cookieSecret(req: IncomingMessage, port: number): string | undefined {
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** True when the request carries the run's secret in its cookie. */
export function hasSecret(req: IncomingMessage, port: number, secret: string): boolean {
  const given = cookieSecret(req, port);
  return given !== undefined && sameSecret(given, secret);
}

/** True when the query's `k` is the run's secret (the printed URL). */
export function isSecretParam(value: string | null, secret: string): boolean {
  return value !== null && sameSecret(value, secret);
}

/** For state-changing requests: a same-origin Origin (no cross-site form or fetch) and the secret cookie. */
export function checkWrite(req: IncomingMessage, port: number, secret: string): void {
  const origin = req.headers.origin;
  const host = (req.headers.host ?? '').toLowerCase();
  if (!origin || origin.toLowerCase() !== `http://${host}`) {
    throw new HttpError(403, `refused: Origin ${origin ? `"${origin}"` : '(missing)'} is not this inspector`);
  }
  if (!hasSecret(req, port, secret)) {
    throw new HttpError(403, 'refused: this browser has not got the inspector secret; open the URL hooktunnel printed (it ends in ?k=…)');
  }
}

/** The cookie that carries the secret after the first visit: script cannot read it, other sites never send it. */
export function secretCookie(port: number, secret: string): string {
  return `${cookieName(port)}=${secret}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Headers on every answer. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
}
