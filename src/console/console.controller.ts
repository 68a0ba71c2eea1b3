import { Controller, Get, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ROLE_RANK, type Principal } from '../access/principal';
import { TokenService } from '../access/token.service';
import { AppConfig } from '../config/app-config';
import { Incident } from '../incidents/entities/incident.entity';
import { RollbackRequestService } from '../rollback/rollback-request.service';
import { DataSource } from 'typeorm';
import { ConsolePages, type PageName } from './console-pages';
import {
  clearedCookie,
  csrfFor,
  csrfMatches,
  safeNext,
  sessionCookie,
  sessionToken,
} from './console-session';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTIVE = ['requested', 'awaiting-approval', 'waiting-for-device', 'running', 'verifying'];

/**
 * The pages a technician opens from an alert or a ticket: sign in with an API token, see the
 * rollback plan with every pre-flight check, confirm with one click, follow the rollback.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly pages = new ConsolePages();

  constructor(
    private readonly tokens: TokenService,
    private readonly rollbacks: RollbackRequestService,
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  private send(res: Response, status: number, page: PageName, data: Record<string, unknown>) {
    res
      .status(status)
      .type('html')
      .setHeader('Cache-Control', 'no-store')
      .setHeader('X-Frame-Options', 'DENY')
      .setHeader(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      )
      .send(this.pages.render(page, data));
  }

  /** The signed-in person, or a redirect to sign in (answered here, then null). */
  private async who(
    req: Request,
    res: Response,
  ): Promise<{ who: Principal; token: string } | null> {
    const token = sessionToken(req);
    const who = token ? await this.tokens.resolve(token) : null;
    if (!who || !token) {
      res.redirect(303, `/console/sign-in?next=${encodeURIComponent(req.path)}`);
      return null;
    }
    return { who, token };
  }

  private fail(res: Response, err: unknown, back?: string): void {
    const status = err instanceof HttpException ? err.getStatus() : 500;
    const body = err instanceof HttpException ? err.getResponse() : null;
    const message =
      typeof body === 'object' && body && 'message' in body
        ? String((body as { message: unknown }).message)
        : err instanceof Error && status !== 500
          ? err.message
          : 'Something went wrong; the service log has the details.';
    this.send(res, status, 'message', { title: 'Not done', message, back });
  }

  @Get()
  async home(@Req() req: Request, @Res() res: Response) {
    const session = await this.who(req, res);
    if (!session) return;
    this.send(res, 200, 'message', {
      title: 'Signed in',
      message: `Signed in as ${session.who.name} (${session.who.role}). Open a rollback link from an alert or a ticket to act on it.`,
      who: session.who,
    });
  }

  @Get('sign-in')
  signInPage(@Req() req: Request, @Res() res: Response) {
    this.send(res, 200, 'sign-in', { next: safeNext(req.query.next) });
  }

  @Post('sign-in')
  async signIn(@Req() req: Request, @Res() res: Response) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const who = token ? await this.tokens.resolve(token) : null;
    const next = safeNext(body.next);
    if (!who) {
      return this.send(res, 401, 'sign-in', {
        next,
        error: 'That token is unknown or revoked. Ask an admin for a token (npm run token).',
      });
    }
    res.setHeader('Set-Cookie', sessionCookie(token, this.config.publicUrl.startsWith('https:')));
    res.redirect(303, next);
  }

  @Post('sign-out')
  signOut(@Res() res: Response) {
    res.setHeader('Set-Cookie', clearedCookie());
    res.redirect(303, '/console/sign-in');
  }

  @Get('incidents/:id/rollback')
  async plan(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.who(req, res);
    if (!session) return;
    if (!UUID.test(id))
      return this.fail(res, new HttpException(`id: ${id} is not an incident id`, 400));
    try {
      const incident = await this.ds.getRepository(Incident).findOneBy({ id });
      const answer = (await this.rollbacks.request(session.who, id, { dryRun: true })) as Record<
        string,
        unknown
      >;
      const plans = (answer.rollbacks as Record<string, unknown>[] | undefined) ?? [answer];
      const existing = await this.rollbacks.forIncident(session.who, id);
      this.send(res, 200, 'rollback-plan', {
        incident: incident ? { id, title: incident.title, state: incident.state } : { id },
        patchId: answer.patchId,
        wave: Boolean(answer.rollbacks),
        plans,
        active: existing.items.filter((r) => ACTIVE.includes(r.state)),
        canAct: ROLE_RANK[session.who.role] >= ROLE_RANK.operator,
        who: session.who,
        csrf: csrfFor(session.token),
      });
    } catch (err) {
      this.fail(res, err);
    }
  }

  @Post('incidents/:id/rollback')
  async confirm(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.who(req, res);
    if (!session) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const back = `/console/incidents/${id}/rollback`;
    if (!UUID.test(id))
      return this.fail(res, new HttpException(`id: ${id} is not an incident id`, 400));
    if (!csrfMatches(session.token, body.csrf))
      return this.fail(res, new HttpException('the form expired; open the page again', 403), back);
    if (ROLE_RANK[session.who.role] < ROLE_RANK.operator)
      return this.fail(res, new HttpException('rollback needs the operator role', 403), back);
    try {
      const answer = (await this.rollbacks.request(session.who, id, {
        patchId: typeof body.patchId === 'string' && body.patchId ? body.patchId : undefined,
        whenOnline: body.whenOnline === 'on',
      })) as { id?: string };
      res.redirect(303, answer.id ? `/console/rollbacks/${answer.id}` : back);
    } catch (err) {
      this.fail(res, err, back);
    }
  }

  @Get('rollbacks/:id')
  async rollback(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.who(req, res);
    if (!session) return;
    if (!UUID.test(id))
      return this.fail(res, new HttpException(`id: ${id} is not a rollback id`, 400));
    try {
      const r = await this.rollbacks.get(session.who, id);
      const incident = await this.ds.getRepository(Incident).findOneBy({ id: r.incidentId });
      this.send(res, 200, 'rollback', {
        r,
        incident: incident
          ? { id: incident.id, title: incident.title, state: incident.state }
          : null,
        active: ACTIVE.includes(r.state),
        awaiting: r.state === 'awaiting-approval',
        canDecide:
          ROLE_RANK[session.who.role] >= ROLE_RANK.operator &&
          (r.state === 'awaiting-approval' || r.state === 'waiting-for-device'),
        who: session.who,
        csrf: csrfFor(session.token),
      });
    } catch (err) {
      this.fail(res, err);
    }
  }

  @Post('rollbacks/:id/:decision')
  async decide(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('decision') decision: string,
  ) {
    const session = await this.who(req, res);
    if (!session) return;
    const back = `/console/rollbacks/${id}`;
    if (!UUID.test(id) || !['approve', 'reject'].includes(decision))
      return this.fail(res, new HttpException('no such action', 404));
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfMatches(session.token, body.csrf))
      return this.fail(res, new HttpException('the form expired; open the page again', 403), back);
    if (ROLE_RANK[session.who.role] < ROLE_RANK.operator)
      return this.fail(res, new HttpException('this needs the operator role', 403), back);
    try {
      const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim() : undefined;
      await this.rollbacks.decide(session.who, id, decision === 'approve', note);
      res.redirect(303, back);
    } catch (err) {
      this.fail(res, err, back);
    }
  }
}
