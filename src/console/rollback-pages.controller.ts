import { Controller, Get, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Incident } from '../incidents/entities/incident.entity';
import { RollbackRequestService } from '../rollback/rollback-request.service';
import { ConsoleHttp, UUID } from './console-http';

const ACTIVE = ['requested', 'awaiting-approval', 'waiting-for-device', 'running', 'verifying'];

/**
 * The pages a technician opens from an alert or a ticket: the rollback plan with every
 * pre-flight check, one confirm button, the rollback followed to its end, approve or reject.
 */
@ApiExcludeController()
@Controller('console')
export class RollbackPagesController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly rollbacks: RollbackRequestService,
    private readonly ds: DataSource,
  ) {}

  @Get('incidents/:id/rollback')
  async plan(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id))
      return this.http.fail(
        res,
        new HttpException(`id: ${id} is not an incident id`, 400),
        undefined,
        session,
      );
    try {
      const incident = await this.ds.getRepository(Incident).findOneBy({ id });
      const answer = (await this.rollbacks.request(session.who, id, { dryRun: true })) as Record<
        string,
        unknown
      >;
      const plans = (answer.rollbacks as Record<string, unknown>[] | undefined) ?? [answer];
      const existing = await this.rollbacks.forIncident(session.who, id);
      const runnable = plans.some((p) => p.wouldBe !== 'refused');
      this.http.send(res, 200, 'rollback-plan', {
        title: 'Roll back',
        incident: incident ? { id, title: incident.title, state: incident.state } : { id },
        patchId: answer.patchId,
        wave: Boolean(answer.rollbacks),
        plans,
        runnable,
        active: existing.items.filter((r) => ACTIVE.includes(r.state)),
        finished: existing.items.filter((r) => !ACTIVE.includes(r.state)),
        canAct: this.http.can(session, 'operator'),
        who: session.who,
        csrf: session.csrf,
      });
    } catch (err) {
      this.http.fail(res, err, `/console/incidents/${id}`, session);
    }
  }

  @Post('incidents/:id/rollback')
  async confirm(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const back = `/console/incidents/${id}/rollback`;
    if (!UUID.test(id))
      return this.http.fail(
        res,
        new HttpException(`id: ${id} is not an incident id`, 400),
        undefined,
        session,
      );
    if (!this.http.formAllowed(req, res, session, 'operator', back)) return;
    try {
      const answer = (await this.rollbacks.request(session.who, id, {
        patchId: typeof body.patchId === 'string' && body.patchId ? body.patchId : undefined,
        whenOnline: body.whenOnline === 'on',
      })) as { id?: string };
      res.redirect(303, answer.id ? `/console/rollbacks/${answer.id}` : back);
    } catch (err) {
      this.http.fail(res, err, back, session);
    }
  }

  @Get('rollbacks/:id')
  async rollback(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id))
      return this.http.fail(
        res,
        new HttpException(`id: ${id} is not a rollback id`, 400),
        undefined,
        session,
      );
    try {
      const r = await this.rollbacks.get(session.who, id);
      const incident = await this.ds.getRepository(Incident).findOneBy({ id: r.incidentId });
      this.http.send(res, 200, 'rollback', {
        title: `Rollback of ${r.patchId}`,
        r,
        incident: incident
          ? { id: incident.id, title: incident.title, state: incident.state }
          : null,
        active: ACTIVE.includes(r.state),
        awaiting: r.state === 'awaiting-approval',
        canDecide:
          this.http.can(session, 'operator') &&
          (r.state === 'awaiting-approval' || r.state === 'waiting-for-device'),
        who: session.who,
        csrf: session.csrf,
      });
    } catch (err) {
      this.http.fail(res, err, undefined, session);
    }
  }

  @Post('rollbacks/:id/:decision')
  async decide(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('decision') decision: string,
  ) {
    const session = await this.http.session(req, res);
    if (!session) return;
    const back = `/console/rollbacks/${id}`;
    if (!UUID.test(id) || !['approve', 'reject'].includes(decision))
      return this.http.fail(res, new HttpException('no such action', 404), undefined, session);
    if (!this.http.formAllowed(req, res, session, 'operator', back)) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim() : undefined;
      await this.rollbacks.decide(session.who, id, decision === 'approve', note);
      res.redirect(303, back);
    } catch (err) {
      this.http.fail(res, err, back, session);
    }
  }
}
