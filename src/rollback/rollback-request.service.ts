import { BadRequestException, ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Principal } from '../access/principal';
import { AuditService } from '../audit/audit.service';
import { notFound } from '../common/api-errors';
import { MetricsService } from '../common/metrics.service';
import { AppConfig } from '../config/app-config';
import { ConnectorHost } from '../connector-instances/connector-host.service';
import { RoutingService } from '../connector-instances/routing.service';
import { IncidentSuspect } from '../incidents/entities/incident-suspect.entity';
import { Incident } from '../incidents/entities/incident.entity';
import { details } from '../incidents/incident-details';
import { addTimeline, lockDevice } from '../incidents/incident-store';
import { Client } from '../inventory/entities/client.entity';
import { Device } from '../inventory/entities/device.entity';
import {
  ACTIVE_ROLLBACK_STATES,
  Rollback,
  type RollbackPlanView,
} from './entities/rollback.entity';
import { preflight } from './rollback-preflight';
import { RollbackRunner } from './rollback-runner';
import { rollbackView, type RollbackView } from './rollback-view';
import { UnremovableRulesService } from './unremovable-rules.service';

export interface RollbackOptions {
  patchId?: string;
  dryRun?: boolean;
  whenOnline?: boolean;
}

/** What a dry run answers: the plan and every pre-flight result, nothing changed. */
export interface RollbackPlanAnswer {
  dryRun: true;
  incidentId: string;
  patchId: string;
  wouldBe: Rollback['state'];
  reason: string | null;
  preflight: Rollback['preflight'];
  plan: RollbackPlanView | null;
  suspectConfirmed: boolean;
}

/**
 * Asking for a rollback: the patch is chosen (the confirmed suspect, else the top-ranked one,
 * which the click confirms), the pre-flight decides, and the rollback is stored with its first
 * steps. A patch wave asks for one rollback per device under one batch id.
 */
@Injectable()
export class RollbackRequestService {
  private readonly logger = new Logger('Rollback');

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly routing: RoutingService,
    private readonly host: ConnectorHost,
    private readonly rules: UnremovableRulesService,
    private readonly runner: RollbackRunner,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  async request(who: Principal, incidentId: string, options: RollbackOptions) {
    const incident = await this.ds.getRepository(Incident).findOneBy({ id: incidentId });
    if (!incident || (who.clientId && incident.clientId !== who.clientId))
      throw notFound('incident', incidentId);
    if (!incident.deviceId) return this.requestWave(who, incident, options);
    const answer = await this.ds.transaction((m) =>
      this.requestOne(m, who, incident, options, null),
    );
    this.runner.nudge();
    return answer;
  }

  /** A patch wave: one rollback per device whose incident is still open, with its own result. */
  private async requestWave(who: Principal, parent: Incident, options: RollbackOptions) {
    const wave = details(parent.details).wave;
    if (!wave)
      throw new BadRequestException(
        `incident ${parent.id} is not about one device nor a patch wave`,
      );
    const patchId = options.patchId ?? wave.patchId;
    const children = await this.ds.getRepository(Incident).find({
      where: { parentId: parent.id, state: In(['open', 'mitigating']) },
      order: { openedAt: 'ASC' },
    });
    const visible = children.filter((c) => !who.clientId || c.clientId === who.clientId);
    if (visible.length === 0)
      throw new BadRequestException(
        `incident ${parent.id}: no device of the wave is still failing`,
      );
    const batchId = options.dryRun ? null : randomUUID();
    const results = [];
    for (const child of visible) {
      results.push(
        await this.ds.transaction((m) =>
          this.requestOne(m, who, child, { ...options, patchId }, batchId),
        ),
      );
    }
    if (!options.dryRun)
      await addTimeline(
        this.ds.manager,
        parent.id,
        new Date(),
        'rollback',
        `${who.name} asked to roll back ${patchId} on ${visible.length} device(s) of the wave.`,
        { batchId },
      );
    this.runner.nudge();
    return { incidentId: parent.id, patchId, batchId, wave: true, rollbacks: results };
  }

  private async requestOne(
    m: EntityManager,
    who: Principal,
    incident: Incident,
    options: RollbackOptions,
    batchId: string | null,
  ): Promise<RollbackView | RollbackPlanAnswer | (RollbackView & { alreadyRequested: true })> {
    const deviceId = incident.deviceId!;
    await lockDevice(m, deviceId);
    const device = await m.getRepository(Device).findOneByOrFail({ id: deviceId });
    const { patchId, suspect } = await this.choosePatch(m, incident, options.patchId);

    const active = await m.getRepository(Rollback).findOneBy({
      deviceId,
      state: In([...ACTIVE_ROLLBACK_STATES]),
    });
    if (
      active &&
      !options.dryRun &&
      active.incidentId === incident.id &&
      active.patchId.toUpperCase() === patchId.toUpperCase()
    )
      // A second click on the same rollback: the one under way answers.
      return { ...rollbackView(active, this.config.publicUrl), alreadyRequested: true };

    const [route] = await this.routing.forDevice(m, deviceId, 'rollback');
    const client = device.clientId
      ? await m.getRepository(Client).findOneBy({ id: device.clientId })
      : null;
    const [latest]: { status: string; title: string | null }[] = await m.query(
      `SELECT status, (SELECT title FROM patch_event t WHERE t.device_id = $1
                         AND upper(t.patch_id) = upper($2) AND t.title IS NOT NULL
                       ORDER BY occurred_at DESC LIMIT 1) AS title
         FROM patch_event WHERE device_id = $1 AND upper(patch_id) = upper($2)
        ORDER BY occurred_at DESC, id DESC LIMIT 1`,
      [deviceId, patchId],
    );
    const { checks, outcome } = preflight({
      deviceName: device.displayName,
      patchId,
      patchTitle: latest?.title ?? suspect?.title ?? null,
      patchStatus: latest?.status ?? null,
      rules: await this.rules.all(m),
      active: active ? { id: active.id, patchId: active.patchId, state: active.state } : null,
      online: device.online,
      rmm: route ? { name: route.instance.name } : null,
      requiresApproval: client?.rollbackRequiresApproval ?? false,
      whenOnline: options.whenOnline ?? false,
    });
    const plan = route ? this.plan(route, device, patchId) : null;
    const reason = outcome.go === 'refused' ? outcome.reason : null;

    if (options.dryRun) {
      return {
        dryRun: true,
        incidentId: incident.id,
        patchId,
        wouldBe: outcome.go,
        reason,
        preflight: checks,
        plan,
        suspectConfirmed: suspect?.status === 'confirmed',
      };
    }

    if (suspect && suspect.status !== 'confirmed') await this.confirm(m, who, incident, suspect);
    const now = new Date();
    const rollback: Rollback = {
      id: randomUUID(),
      incidentId: incident.id,
      batchId,
      deviceId,
      clientId: device.clientId,
      instanceId: route?.instance.id ?? null,
      externalDeviceId: route?.externalId ?? null,
      patchId,
      state: 'requested',
      reason,
      requestedBy: who.name,
      requestedByToken: who.tokenId,
      approvedBy: null,
      whenOnline: options.whenOnline ?? false,
      preflight: checks,
      plan,
      jobId: null,
      outboxId: null,
      result: null,
      verification: null,
      steps: [{ state: 'requested', at: now.toISOString(), by: who.name }],
      nextCheckAt: null,
      deadlineAt: null,
      leaseUntil: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    if (outcome.go === 'refused') {
      // Kept apart from the active-per-device index: a refusal is history, not a rollback.
      rollback.state = 'refused';
      rollback.finishedAt = now;
      rollback.steps.push({ state: 'refused', at: now.toISOString(), note: reason! });
    }
    await m.getRepository(Rollback).insert(rollback);
    await this.audit.record(
      who,
      {
        action: 'rollback.request',
        targetType: 'incident',
        targetId: incident.id,
        detail: { rollbackId: rollback.id, patchId, outcome: outcome.go, reason },
      },
      m,
    );
    this.metrics.rollbacks.inc({ state: 'requested' });
    this.logger.log(
      {
        event: outcome.go === 'refused' ? 'rollback.refused' : 'rollback.requested',
        rollbackId: rollback.id,
        incidentId: incident.id,
        device: device.displayName,
        patchId,
        requestedBy: who.name,
        outcome: outcome.go,
        ...(reason ? { reason } : {}),
      },
      outcome.go === 'refused' ? 'rollback refused' : 'rollback requested',
    );
    const saved = await this.runner.afterRequest(m, rollback, incident, device, outcome.go);
    return rollbackView(saved, this.config.publicUrl);
  }

  /** The named patch, else the confirmed suspect, else the top-ranked patch suspect. */
  private async choosePatch(
    m: EntityManager,
    incident: Incident,
    named: string | undefined,
  ): Promise<{ patchId: string; suspect: IncidentSuspect | null }> {
    const suspects = await m
      .getRepository(IncidentSuspect)
      .find({ where: { incidentId: incident.id, kind: 'patch' }, order: { rank: 'ASC' } });
    if (named) {
      const suspect =
        suspects.find((s) => s.patchId?.toUpperCase() === named.trim().toUpperCase()) ?? null;
      return { patchId: suspect?.patchId ?? named.trim(), suspect };
    }
    const live = suspects.filter((s) => s.status !== 'rejected' && s.patchId);
    const chosen = live.find((s) => s.status === 'confirmed') ?? live[0];
    if (!chosen)
      throw new BadRequestException(
        `patchId: incident ${incident.id} has no patch suspect; name the patch to roll back`,
      );
    return { patchId: chosen.patchId!, suspect: chosen };
  }

  /** Clicking rollback on the top-ranked suspect says it is the cause: recorded as such. */
  private async confirm(
    m: EntityManager,
    who: Principal,
    incident: Incident,
    suspect: IncidentSuspect,
  ): Promise<void> {
    await m
      .getRepository(IncidentSuspect)
      .update(
        { id: suspect.id },
        { status: 'confirmed', decidedBy: who.name, decidedAt: new Date() },
      );
    await addTimeline(
      m,
      incident.id,
      new Date(),
      'suspect-confirmed',
      `${who.name} confirmed ${suspect.patchId} as the cause by asking for its rollback.`,
      { suspectId: suspect.id },
    );
    await this.audit.record(
      who,
      {
        action: 'incident.suspect.confirm',
        targetType: 'incident',
        targetId: incident.id,
        detail: { suspectId: suspect.id, patchId: suspect.patchId, by: 'rollback' },
      },
      m,
    );
  }

  private plan(
    route: { instance: { id: string; name: string; kind: string }; externalId: string },
    device: Device,
    patchId: string,
  ): RollbackPlanView {
    let script: object | null = null;
    try {
      const live = this.host.live(route.instance as never);
      script = live.connector.planRollback?.({ id: route.externalId }, patchId) ?? null;
    } catch (err) {
      script = { error: (err as Error).message };
    }
    return {
      instance: { id: route.instance.id, name: route.instance.name, kind: route.instance.kind },
      device: { id: device.id, name: device.displayName, externalId: route.externalId },
      patchId,
      script,
    };
  }

  /** The second operator's decision on a rollback that waits for approval. */
  async decide(who: Principal, id: string, approve: boolean, note?: string) {
    const answer = await this.ds.transaction(async (m) => {
      const found = await m.getRepository(Rollback).findOneBy({ id });
      if (!found || (who.clientId && found.clientId !== who.clientId))
        throw notFound('rollback', id);
      await lockDevice(m, found.deviceId);
      const rollback = await m.getRepository(Rollback).findOneByOrFail({ id });
      const waitsForDevice = rollback.state === 'waiting-for-device';
      if (rollback.state !== 'awaiting-approval' && !(waitsForDevice && !approve))
        throw new ConflictException(
          `state: rollback ${id} is ${rollback.state}; only one awaiting approval can be ${approve ? 'approved' : 'rejected'}`,
        );
      const self =
        (who.tokenId !== null && who.tokenId === rollback.requestedByToken) ||
        (who.tokenId === null && who.name === rollback.requestedBy);
      if (approve && self)
        throw new ConflictException(
          `approvedBy: ${who.name} asked for rollback ${id}; a second operator must approve it`,
        );
      await this.audit.record(
        who,
        {
          action: approve ? 'rollback.approve' : 'rollback.reject',
          targetType: 'rollback',
          targetId: id,
          detail: { patchId: rollback.patchId, ...(note ? { note } : {}) },
        },
        m,
      );
      this.logger.log(
        { rollbackId: id, patchId: rollback.patchId, by: who.name },
        approve ? 'rollback approved' : 'rollback rejected',
      );
      const saved = approve
        ? await this.runner.approved(m, rollback, who.name)
        : await this.runner.rejected(m, rollback, who.name, note);
      return rollbackView(saved, this.config.publicUrl);
    });
    this.runner.nudge();
    return answer;
  }

  async get(who: Principal, id: string) {
    const rollback = await this.ds.getRepository(Rollback).findOneBy({ id });
    if (!rollback || (who.clientId && rollback.clientId !== who.clientId))
      throw notFound('rollback', id);
    return rollbackView(rollback, this.config.publicUrl);
  }

  /** The incident's rollbacks, and for a wave its devices' ones. */
  async forIncident(who: Principal, incidentId: string) {
    const incident = await this.ds.getRepository(Incident).findOneBy({ id: incidentId });
    if (!incident || (who.clientId && incident.clientId !== who.clientId))
      throw notFound('incident', incidentId);
    const rows: Rollback[] = await this.ds
      .getRepository(Rollback)
      .createQueryBuilder('r')
      .where('r.incident_id = :id', { id: incidentId })
      .orWhere('r.incident_id IN (SELECT id FROM incident WHERE parent_id = :id)', {
        id: incidentId,
      })
      .orderBy('r.created_at', 'ASC')
      .getMany();
    const items = rows
      .filter((r) => !who.clientId || r.clientId === who.clientId)
      .map((r) => rollbackView(r, this.config.publicUrl));
    return { items, total: items.length };
  }
}
