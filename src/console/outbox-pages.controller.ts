import type { OutboxAction } from '../outbox/outbox-command';
import { Controller, Get, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DeadLetters } from '../outbox/dead-letters';
import { OutboxService } from '../outbox/outbox.service';
import { transitionOutboxMessage, type OutboxTransition } from '../outbox/outbox-transitions';
import { ConsoleHttp, type ConsoleSession } from './console-http';

const PAGE_SIZE = 50;
const MESSAGE_ID = /^\d{1,18}$/;
/** What each write-back does, in words a technician reads in the list. */
const ACTION_NAMES: Record<OutboxAction, string> = {
  pushAlertNote: 'Note on the alert',
  upsertTicket: 'Open the ticket',
  noteTicket: 'Note on the ticket',
  closeTicket: 'Close the ticket',
  reopenTicket: 'Reopen the ticket',
  runRollback: 'Run the rollback script',
  notify: 'Page the on-call',
  silenceDevice: "Silence the device's alerts",
  expireSilence: 'Lift the silence',
};
const DONE: Record<OutboxTransition, string> = {
  retry: 'is queued for delivery again, from its first attempt',
  discard: 'is discarded: it will not be delivered',
};

/** How many dead letters, and which of them this page shows. */
function heading(page: number, shown: number, total: number): string {
  if (shown === 0) return 'No dead letters';
  if (total <= PAGE_SIZE) return total === 1 ? '1 dead letter' : `${total} dead letters`;
  const first = (page - 1) * PAGE_SIZE + 1;
  return `Dead letters ${first}–${first + shown - 1} of ${total}`;
}

function pageNumber(value: unknown): number {
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Math.max(1, Number(value)) : 1;
}

/**
 * The outbox's dead letters — writes to vendor tools that failed for good — with their last
 * error, and Retry and Discard for an operator. Installation-wide, like the outbox API: a
 * client-scoped token gets a 403 page.
 */
@ApiExcludeController()
@Controller('console')
export class OutboxPagesController {
  private readonly deadLetters: DeadLetters;

  constructor(
    private readonly http: ConsoleHttp,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly ds: DataSource,
  ) {
    this.deadLetters = new DeadLetters(ds);
  }

  @Get('outbox')
  async list(@Req() req: Request, @Res() res: Response) {
    const session = await this.http.session(req, res);
    if (!session || !this.unscoped(res, session)) return;
    try {
      const page = pageNumber(req.query.page);
      const [found, counts] = await Promise.all([
        this.deadLetters.list(PAGE_SIZE, (page - 1) * PAGE_SIZE),
        this.deadLetters.counts(),
      ]);
      const done = this.doneNotice(req.query);
      this.http.send(res, 200, 'outbox', {
        title: 'Outbox',
        who: session.who,
        csrf: session.csrf,
        canAct: this.http.can(session, 'operator'),
        counts,
        total: found.total,
        items: found.items.map((m) => ({
          ...m,
          what: (ACTION_NAMES as Record<string, string>)[m.action] ?? m.action,
        })),
        heading: heading(page, found.items.length, found.total),
        previous: page > 1 ? `/console/outbox?page=${page - 1}` : null,
        next: page * PAGE_SIZE < found.total ? `/console/outbox?page=${page + 1}` : null,
        paged: page > 1 || page * PAGE_SIZE < found.total,
        done,
      });
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  @Post('outbox/:id/:action')
  async act(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('action') action: string,
  ) {
    const session = await this.http.session(req, res);
    if (!session || !this.unscoped(res, session)) return;
    const back = '/console/outbox';
    if (!MESSAGE_ID.test(id) || (action !== 'retry' && action !== 'discard'))
      return this.http.fail(res, new HttpException('no such action', 404), back, session);
    // The same role as POST /api/v1/outbox/:id/retry and /discard.
    if (!this.http.formAllowed(req, res, session, 'operator', back)) return;
    try {
      await transitionOutboxMessage(this.ds, this.audit, session.who, id, action);
      if (action === 'retry') this.outbox.notify();
      res.redirect(303, `${back}?${action === 'retry' ? 'retried' : 'discarded'}=${id}`);
    } catch (err) {
      this.http.fail(res, err, back, session);
    }
  }

  /** The outbox spans every client: a client-scoped token is refused, as by the API. */
  private unscoped(res: Response, session: ConsoleSession): boolean {
    if (!session.who.clientId) return true;
    this.http.fail(
      res,
      new HttpException(
        'the outbox holds every client’s writes; it needs a token for every client',
        403,
      ),
      '/console',
      session,
    );
    return false;
  }

  /** The line after a Retry or Discard, from the redirect's query (a message id only). */
  private doneNotice(query: Request['query']): string | null {
    for (const [key, action] of [
      ['retried', 'retry'],
      ['discarded', 'discard'],
    ] as const) {
      const id = query[key];
      if (typeof id === 'string' && MESSAGE_ID.test(id)) return `Message ${id} ${DONE[action]}.`;
    }
    return null;
  }
}
