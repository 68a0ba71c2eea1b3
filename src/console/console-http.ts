import { HttpException, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ROLE_RANK, type Principal } from '../access/principal';
import type { Role } from '../access/entities/api-token.entity';
import { TokenService } from '../access/token.service';
import { ConsolePages } from './console-pages';
import { csrfFor, csrfMatches, sessionToken } from './console-session';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signed-in person: who, and the token their forms are checked against. */
export interface ConsoleSession {
  who: Principal;
  token: string;
  csrf: string;
}

/**
 * What every console page does alike: find the signed-in person (or send them to sign in),
 * render a page with the headers that keep it out of frames and caches, check a form's CSRF
 * value and role, and turn a failure into a readable page.
 */
@Injectable()
export class ConsoleHttp {
  private readonly pages = new ConsolePages();

  constructor(private readonly tokens: TokenService) {}

  send(res: Response, status: number, page: string, data: Record<string, unknown>): void {
    res
      .status(status)
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .setHeader('X-Frame-Options', 'DENY')
      .setHeader(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'",
      )
      .send(this.pages.render(page, data));
  }

  /** Only the part of a page that `data-live` refreshes (console.js asks with this header). */
  isPartial(req: Request): boolean {
    return req.headers['x-console-partial'] === '1';
  }

  /** The signed-in person, or a redirect to sign in (answered here, then null). */
  async session(req: Request, res: Response): Promise<ConsoleSession | null> {
    const token = sessionToken(req);
    const who = token ? await this.tokens.resolve(token) : null;
    if (!who || !token) {
      const next = req.originalUrl.split('?')[0];
      res.redirect(303, `/console/sign-in?next=${encodeURIComponent(next)}`);
      return null;
    }
    return { who, token, csrf: csrfFor(token) };
  }

  can(session: ConsoleSession, role: Role): boolean {
    return ROLE_RANK[session.who.role] >= ROLE_RANK[role];
  }

  /**
   * A form post's checks: the CSRF value of this session, and the role. Answers the error page
   * itself and returns false when one fails.
   */
  formAllowed(
    req: Request,
    res: Response,
    session: ConsoleSession,
    role: Role,
    back: string,
  ): boolean {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfMatches(session.token, body.csrf)) {
      this.fail(
        res,
        new HttpException('the form expired; open the page again', 403),
        back,
        session,
      );
      return false;
    }
    if (!this.can(session, role)) {
      this.fail(res, new HttpException(`this needs the ${role} role`, 403), back, session);
      return false;
    }
    return true;
  }

  /** An error as a page: the API's message for a 4xx, never internals for a 500. */
  fail(res: Response, err: unknown, back?: string, session?: ConsoleSession | null): void {
    const status = err instanceof HttpException ? err.getStatus() : 500;
    const body = err instanceof HttpException ? err.getResponse() : null;
    const message =
      typeof body === 'object' && body && 'message' in body
        ? [(body as { message: unknown }).message].flat().join('; ')
        : typeof body === 'string'
          ? body
          : 'Something went wrong; the service log has the details.';
    this.send(res, status, 'message', {
      title: status === 404 ? 'Not found' : 'Not done',
      message,
      back: back ?? '/console',
      who: session?.who,
      csrf: session?.csrf,
    });
  }
}
