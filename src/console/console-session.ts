import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

export const SESSION_COOKIE = 'sb_console';

/** The API token a person signed in with, from the console's cookie. */
export function sessionToken(req: Request): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) {
      const value = decodeURIComponent(rest.join('='));
      return value.length > 0 && value.length <= 500 ? value : null;
    }
  }
  return null;
}

/** The cookie: HttpOnly, only for the console, never sent by another site's form. */
export function sessionCookie(token: string, secure: boolean, maxAgeSeconds = 12 * 3600): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/console',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedCookie(): string {
  return `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/** A form's proof that it came from a page this session was shown (beside SameSite). */
export function csrfFor(token: string): string {
  return createHmac('sha256', token).update('switchboard-console-form').digest('hex').slice(0, 32);
}

export function csrfMatches(token: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== 32) return false;
  return timingSafeEqual(Buffer.from(csrfFor(token)), Buffer.from(given));
}

/** Where to go after signing in: only a console path, never another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[A-Za-z0-9/_-]*)?$/.test(next)
    ? next
    : '/console';
}
