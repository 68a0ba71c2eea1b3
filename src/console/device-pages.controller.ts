import { Controller, Get, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ComplianceService } from '../compliance/compliance.service';
import { IncidentsService } from '../incidents/incidents.service';
import { DeviceOverview } from '../inventory/device-overview';
import { DevicesService } from '../inventory/devices.service';
import type { Device } from '../inventory/entities/device.entity';
import { ReadinessService } from '../readiness/readiness.service';
import { ConsoleHttp, UUID, type ConsoleSession } from './console-http';

const PAGE_SIZE = 50;
/** How many devices the "move to" list offers at once; a search narrows it. */
const TARGETS = 100;

/** A single query value: a string of sane length, or nothing (arrays and objects are ignored). */
function queryText(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text && text.length <= max ? text : undefined;
}

function pageNumber(value: unknown): number {
  const text = queryText(value, 9);
  return text && /^\d+$/.test(text) ? Math.max(1, Number(text)) : 1;
}

/** The list's heading: how many devices, and which of them this page shows. */
function listHeading(page: number, shown: number, total: number): string {
  if (shown === 0)
    return total > 0 ? `No devices on page ${page}; there are ${total}` : 'No devices';
  if (total <= PAGE_SIZE) return `${total} ${total === 1 ? 'device' : 'devices'}`;
  const first = (page - 1) * PAGE_SIZE + 1;
  return `Devices ${first}–${first + shown - 1} of ${total}`;
}

/** A device's state in words: the page never says it by colour alone. */
function onlineWord(online: boolean | null): { text: string; tone: string } {
  if (online === true) return { text: 'Online', tone: 'ok' };
  if (online === false) return { text: 'Offline', tone: 'bad' };
  return { text: 'Unknown', tone: 'sub' };
}

/** A pending-reboot flag from before the last boot is stale, as readiness reads it. */
function rebootPending(d: Device): boolean {
  if (!d.rebootPending) return false;
  if (!d.rebootPendingAt || !d.lastBootAt) return true;
  return new Date(d.lastBootAt).getTime() <= new Date(d.rebootPendingAt).getTime();
}

/** How a record was matched to its device, in words. */
const MATCHED_BY: Record<string, string> = {
  new: 'first record',
  'external-id': "the tool's id",
  serial: 'serial',
  fqdn: 'FQDN',
  hostname: 'hostname',
  ip: 'IP',
  manual: 'manual (moved by a person)',
};

const PATCH_TONE: Record<string, string> = {
  installed: 'ok',
  failed: 'bad',
  pending: 'warn',
  approved: 'warn',
  rolled_back: 'warn',
};

/**
 * Devices: the list with search, client and "unmatched" filters; one device's links in every
 * tool, patch history, services, readiness and incidents; and moving a tool's record onto the
 * device it really is (operator, unscoped: the same rule as PUT /api/v1/device-links/:id).
 */
@ApiExcludeController()
@Controller('console')
export class DevicePagesController {
  private readonly overview: DeviceOverview;

  constructor(
    private readonly http: ConsoleHttp,
    private readonly devices: DevicesService,
    private readonly readiness: ReadinessService,
    private readonly incidents: IncidentsService,
    private readonly compliance: ComplianceService,
    ds: DataSource,
  ) {
    this.overview = new DeviceOverview(ds);
  }

  @Get('devices')
  async list(@Req() req: Request, @Res() res: Response) {
    const session = await this.http.session(req, res);
    if (!session) return;
    try {
      const scoped = Boolean(session.who.clientId);
      const q = queryText(req.query.q);
      const wantedClient = queryText(req.query.clientId);
      const clientId =
        !scoped && wantedClient && UUID.test(wantedClient) ? wantedClient : undefined;
      const unmatched = req.query.unmatched === '1';
      const page = pageNumber(req.query.page);
      const [found, clients] = await Promise.all([
        this.devices.list(session.who, {
          q,
          clientId,
          unmatched,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        }),
        this.devices.listClients(session.who),
      ]);
      const clientName = new Map(clients.items.map((c) => [c.id, c.name]));
      const tools = await this.overview.toolsOf(found.items.map((d) => d.id));
      const rows = found.items.map((d) => {
        const known = tools.get(d.id) ?? [];
        return {
          id: d.id,
          name: d.displayName,
          ip: d.ip,
          client: d.clientId ? (clientName.get(d.clientId) ?? null) : null,
          tools: known,
          single: new Set(known.map((t) => t.id)).size === 1,
          lastSeenAt: known.reduce<Date | null>(
            (max, t) => (!max || t.lastSeenAt > max ? t.lastSeenAt : max),
            null,
          ),
          online: onlineWord(d.online),
          rebootPending: rebootPending(d),
        };
      });
      const keep = (p: number) =>
        `/console/devices?${new URLSearchParams({
          ...(q ? { q } : {}),
          ...(clientId ? { clientId } : {}),
          ...(unmatched ? { unmatched: '1' } : {}),
          page: String(p),
        }).toString()}`;
      this.http.send(res, 200, 'devices', {
        title: unmatched ? 'Unmatched devices' : 'Devices',
        who: session.who,
        rows,
        heading: listHeading(page, rows.length, found.total),
        previous: page > 1 ? keep(page - 1) : null,
        next: page * PAGE_SIZE < found.total ? keep(page + 1) : null,
        paged: page > 1 || page * PAGE_SIZE < found.total,
        q,
        unmatched,
        filtered: Boolean(q || clientId || unmatched),
        scoped,
        clients: clients.items.map((c) => ({
          id: c.id,
          name: c.name,
          selected: c.id === clientId,
        })),
      });
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  @Get('devices/:id')
  async device(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id)) return this.notADevice(res, id, session);
    try {
      // First: a device of another client is a 404 before anything else is read.
      const d = await this.devices.get(session.who, id);
      const [readiness, incidents, services, tools, compliance] = await Promise.all([
        this.readiness.device(session.who, id),
        this.incidents.list(session.who, { deviceId: id, limit: 20, offset: 0 }),
        this.overview.services(id),
        this.overview.toolNames([
          ...d.links.map((l) => l.instanceId),
          ...d.recentPatches.map((p) => p.instanceId),
        ]),
        // A device without a client has no compliance rule to be measured by.
        d.client ? this.compliance.device(session.who, id) : null,
      ]);
      const toolOf = (instanceId: string) =>
        tools.get(instanceId) ?? { id: instanceId, name: 'deleted instance', kind: 'unknown' };
      const links = d.links.map((l) => ({
        id: l.id,
        tool: toolOf(l.instanceId),
        vendorId: l.externalId ?? l.externalKey,
        hostname: l.hostname,
        fqdn: l.fqdn,
        ip: l.ip,
        serial: l.serial,
        matchedBy: MATCHED_BY[l.matchedBy] ?? l.matchedBy,
        firstSeenAt: l.firstSeenAt,
        lastSeenAt: l.lastSeenAt,
      }));
      const unmatched = new Set(links.map((l) => l.tool.id)).size === 1;
      const canMove = this.http.can(session, 'operator') && !session.who.clientId;
      const find = queryText(req.query.find);
      this.http.send(res, 200, 'device', {
        title: d.displayName,
        who: session.who,
        csrf: session.csrf,
        d,
        client: d.client ? { id: d.client.id, name: d.client.name } : null,
        online: onlineWord(d.online),
        rebootPending: rebootPending(d),
        lastSeenAt: links.reduce<Date | null>(
          (max, l) => (!max || l.lastSeenAt > max ? l.lastSeenAt : max),
          null,
        ),
        links,
        unmatched,
        patches: d.recentPatches.map((p) => ({
          kb: p.patchId,
          title: p.title,
          severity: p.severity,
          status: p.status.replace('_', ' '),
          tone: PATCH_TONE[p.status] ?? 'sub',
          tool: toolOf(p.instanceId).name,
          at: p.occurredAt,
        })),
        services: services.map((s) => ({
          ...s,
          state: s.running ? 'Running' : 'Stopped',
          tone: s.running ? 'ok' : 'bad',
        })),
        readiness,
        compliance,
        incidents: incidents.items,
        canMove,
        move: canMove ? await this.moveTargets(session, d, find) : null,
        moved: req.query.moved === '1',
      });
    } catch (err) {
      this.http.fail(res, err, '/console/devices', session);
    }
  }

  /** Moves one tool's record of this device onto another device; then shows that device. */
  @Post('devices/:id/move-link')
  async moveLink(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id)) return this.notADevice(res, id, session);
    const back = `/console/devices/${id}`;
    if (!this.http.formAllowed(req, res, session, 'operator', back)) return;
    if (session.who.clientId)
      return this.http.fail(
        res,
        new HttpException('moving records between devices needs a token for every client', 403),
        back,
        session,
      );
    const body = (req.body ?? {}) as Record<string, unknown>;
    const linkId = typeof body.linkId === 'string' ? body.linkId : '';
    const target = typeof body.deviceId === 'string' ? body.deviceId : '';
    try {
      const d = await this.devices.get(session.who, id);
      // The form names a record of this device: a stale page never moves another's record.
      if (!d.links.some((l) => l.id === linkId))
        throw new HttpException(`linkId: this device has no record ${linkId}`, 400);
      if (!UUID.test(target))
        throw new HttpException('deviceId: choose the device to move to', 400);
      if (target === id)
        throw new HttpException('deviceId: the record is on this device already', 400);
      await this.devices.moveLink(session.who, linkId, target);
      res.redirect(303, `/console/devices/${target}?moved=1`);
    } catch (err) {
      this.http.fail(res, err, back, session);
    }
  }

  /**
   * Devices a record could move to: those a search finds, or else the same client's devices
   * (where a host seen under another name usually is), never the device itself.
   */
  private async moveTargets(session: ConsoleSession, d: Device, find: string | undefined) {
    const found = await this.devices.list(session.who, {
      q: find,
      clientId: find ? undefined : (d.clientId ?? undefined),
      limit: TARGETS + 1,
      offset: 0,
    });
    const targets = found.items
      .filter((t) => t.id !== d.id)
      .slice(0, TARGETS)
      .map((t) => ({ id: t.id, name: t.displayName, ip: t.ip }));
    const others = found.total - (found.items.some((t) => t.id === d.id) ? 1 : 0);
    return { find, targets, more: others > targets.length };
  }

  private notADevice(res: Response, id: string, session: ConsoleSession): void {
    this.http.fail(
      res,
      new HttpException(`device ${id} not found`, 404),
      '/console/devices',
      session,
    );
  }
}
