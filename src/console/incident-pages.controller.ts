import { Controller, Get, HttpException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import {
  clientsWithIncidents,
  incidentBoard,
  toolNames,
  type BoardFilter,
} from '../incidents/incident-board';
import { incidentStages } from '../incidents/incident-stages';
import { incidentTexts } from '../incidents/incident-texts';
import { IncidentsService } from '../incidents/incidents.service';
import { ACTIVE_ROLLBACK_STATES, type RollbackState } from '../rollback/entities/rollback.entity';
import { RollbackRequestService } from '../rollback/rollback-request.service';
import { ConsoleHttp, UUID, type ConsoleSession } from './console-http';

/** Enough for a morning's review; older incidents are one filter away. */
const LIST_LIMIT = 100;
const STATES: BoardFilter['state'][] = ['open', 'resolved', 'all'];

const CAUSES: Record<string, string> = {
  'post-patch-reboot': 'Patch and reboot',
  'post-patch': 'Patch',
  'post-reboot': 'Reboot',
  'patch-wave': 'Patch wave',
  unknown: 'Unknown',
};
const causeLabel = (cause: string) => CAUSES[cause] ?? cause;

/**
 * A query parameter given once as plain text; anything else (repeated, nested, with a control
 * character PostgreSQL would refuse, or longer than the form allows) counts as absent.
 */
const one = (v: unknown, max = 200): string | undefined =>
  typeof v === 'string' && v.trim() && v.length <= max && !/\p{Cc}/u.test(v) ? v.trim() : undefined;

/** "3 d 4 h", "2 h 5 min", "12 min": how long ago, at the precision a technician needs. */
export function age(from: Date, now = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "12 min ago", or "just now". */
const ago = (from: Date) => {
  const a = age(from);
  return a === 'just now' ? a : `${a} ago`;
};

/** The incident list (open first) and one incident's page: timeline, suspects, texts sent, tickets, roll back. */
@ApiExcludeController()
@Controller('console')
export class IncidentPagesController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly incidents: IncidentsService,
    private readonly rollbacks: RollbackRequestService,
    private readonly ds: DataSource,
  ) {}

  @Get('incidents')
  async list(@Req() req: Request, @Res() res: Response) {
    const session = await this.http.session(req, res);
    if (!session) return;
    const state = (one(req.query.state) ?? 'all') as BoardFilter['state'];
    const clientParam = one(req.query.client);
    const filter: BoardFilter = {
      state: STATES.includes(state) ? state : 'all',
      // A scoped token has its client already; a client id that is not one filters nothing.
      clientId:
        !session.who.clientId && clientParam && UUID.test(clientParam) ? clientParam : undefined,
      q: one(req.query.q),
      limit: LIST_LIMIT,
    };
    try {
      const [board, clients] = await Promise.all([
        incidentBoard(this.ds, session.who, filter),
        session.who.clientId ? Promise.resolve([]) : clientsWithIncidents(this.ds),
      ]);
      const now = new Date();
      this.http.send(res, 200, 'incidents', {
        title: 'Incidents',
        nav: 'incidents',
        filter,
        states: STATES.map((s) => ({ value: s, selected: s === filter.state })),
        clients: clients.map((c) => ({ ...c, selected: c.id === filter.clientId })),
        scoped: Boolean(session.who.clientId),
        rows: board.items.map((r) => ({
          ...r,
          causeLabel: causeLabel(r.cause),
          age: age(r.openedAt, now),
          openedIso: r.openedAt.toISOString(),
          ticket: r.tickets[0] ?? null,
          moreTickets: Math.max(0, r.tickets.length - 1),
        })),
        total: board.total,
        shown: board.items.length,
        truncated: board.total > board.items.length,
        filtered: Boolean(filter.q || filter.clientId || filter.state !== 'all'),
        who: session.who,
        csrf: session.csrf,
      });
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  @Get('incidents/:id')
  async detail(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id))
      return this.http.fail(
        res,
        new HttpException(`id: ${id} is not an incident id`, 400),
        '/console/incidents',
        session,
      );
    try {
      // The service answers 404 for another client's incident: the page says "not found" too.
      const incident = await this.incidents.detail(session.who, id);
      const [rollbacks, texts] = await Promise.all([
        this.rollbacks.forIncident(session.who, id),
        incidentTexts(this.ds, session.who, id),
      ]);
      const tools = await toolNames(this.ds, [
        ...incident.alerts.map((a) => a.instanceId),
        ...incident.tickets.map((t) => t.instanceId),
        ...incident.details.verification.map((v) => v.source),
      ]);
      const tool = (instanceId: string) => tools.get(instanceId) ?? 'a removed tool';
      this.http.send(res, 200, 'incident', {
        title: incident.title,
        nav: 'incidents',
        incident: {
          ...incident,
          causeLabel: causeLabel(incident.cause),
          openedAgo: ago(incident.openedAt),
          confidence: Math.round(incident.confidence * 100),
        },
        stages: incidentStages({ ...incident, rollbacks: rollbacks.items }, tools).map((st) => ({
          ...st,
          // Date and clock on lines of their own: a stage is narrow on a 1280 px screen.
          iso: st.at?.toISOString() ?? null,
          day: st.at?.toISOString().slice(0, 10) ?? null,
          clock: st.at ? `${st.at.toISOString().slice(11, 19)} UTC` : null,
        })),
        suspects: incident.suspects.map((s) => ({ ...s, score: s.score.toFixed(2) })),
        alerts: incident.alerts.map((a) => ({ ...a, tool: tool(a.instanceId) })),
        tickets: incident.tickets.map((t) => ({
          ...t,
          tool: tool(t.instanceId),
          ours: t.relation === 'incident-ticket',
        })),
        texts,
        rollbacks: rollbacks.items.map((r) => ({
          ...r,
          active: ACTIVE_ROLLBACK_STATES.includes(r.state),
        })),
        rollback: this.rollbackAction(session, incident, rollbacks.items),
        who: session.who,
        csrf: session.csrf,
      });
    } catch (err) {
      this.http.fail(res, err, '/console/incidents', session);
    }
  }

  /**
   * Whether the Roll back button is offered, and when it is not, the reason in words: a
   * viewer, a resolved incident, nothing suspected, or a rollback already under way.
   */
  private rollbackAction(
    session: ConsoleSession,
    incident: Awaited<ReturnType<IncidentsService['detail']>>,
    rollbacks: { id: string; patchId: string; state: RollbackState }[],
  ) {
    const live = incident.suspects.filter(
      (s) => s.kind === 'patch' && s.patchId && s.status !== 'rejected',
    );
    const patchId =
      (live.find((s) => s.status === 'confirmed') ?? live[0])?.patchId ??
      incident.details.wave?.patchId ??
      null;
    const active = rollbacks.find((r) => ACTIVE_ROLLBACK_STATES.includes(r.state)) ?? null;
    const why = !patchId
      ? 'No patch is suspected, so there is nothing to roll back.'
      : incident.state === 'resolved'
        ? 'The incident is resolved; nothing is failing any more.'
        : active
          ? null
          : !this.http.can(session, 'operator')
            ? `Rolling back needs the operator role; your token is ${session.who.role}.`
            : null;
    return {
      patchId,
      wave: Boolean(incident.details.wave),
      active,
      offered: Boolean(patchId) && !why && !active,
      why,
      path: `/console/incidents/${incident.id}/rollback`,
    };
  }
}
