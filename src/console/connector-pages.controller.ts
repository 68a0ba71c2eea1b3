import {
  BadRequestException,
  Controller,
  Get,
  HttpException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import type { Capability } from '../../connectors/contract/capabilities';
import { ConnectorInstancesService } from '../connector-instances/connector-instances.service';
import { ConnectorRegistry } from '../connector-instances/connector-registry.service';
import { ConsoleHttp, UUID, type ConsoleSession } from './console-http';
import { readConnectorForm, serviceErrors, SETTING, type FieldErrors } from './connector-form';
import { settingsFields, type SettingsField } from './connector-form-schema';
import {
  displayFromBody,
  displayFromSettings,
  errorSummary,
  fieldViews,
  settingRows,
  type FieldDisplay,
} from './connector-form-view';
import { listUnmatchedAlerts } from '../inventory/unmatched-alerts';
import { activityOf, INBOX_WINDOW_ROWS, readActivity } from './connector-health';
import { ConnectorSetupSteps } from './connector-setup';
import { checkView, healthOf, type CheckView, type InstanceView } from './connector-status';

const LIST = '/console/connectors';

/** What the edit form shows when it is not showing the stored instance. */
interface FormState {
  display: FieldDisplay;
  name: string;
  enabled: boolean;
  poll: string;
  errors: FieldErrors;
  /** Secrets were typed into the refused form (and are not shown again). */
  secretsTyped?: boolean;
}

/** Extras a detail page may carry after an action. */
interface DetailExtras {
  check?: CheckView;
  created?: { url: string; secret: string } | null;
  saved?: boolean;
  form?: FormState;
  live?: boolean;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The open alerts on no device a connector page lists; the API has them all. */
const OPEN_UNMATCHED = { state: 'open', limit: 10, offset: 0 } as const;

/** Connector instances: health, webhook URL, setup steps, test connection, create and edit. */
@ApiExcludeController()
@Controller('console')
export class ConnectorPagesController {
  private readonly setup = new ConnectorSetupSteps();
  private readonly fieldCache = new Map<string, SettingsField[]>();

  constructor(
    private readonly http: ConsoleHttp,
    private readonly instances: ConnectorInstancesService,
    private readonly registry: ConnectorRegistry,
    private readonly ds: DataSource,
  ) {}

  /** Connectors are installation-wide: like /api/v1/connectors, no client-scoped token. */
  private async open(req: Request, res: Response): Promise<ConsoleSession | null> {
    const session = await this.http.session(req, res);
    if (!session) return null;
    if (session.who.clientId) {
      this.http.fail(
        res,
        new HttpException(
          'Connectors are installation-wide; a token scoped to one client cannot see them.',
          403,
        ),
        '/console',
        session,
      );
      return null;
    }
    return session;
  }

  private fields(kind: string): SettingsField[] {
    let fields = this.fieldCache.get(kind);
    if (!fields) {
      const def = this.registry.get(kind);
      fields = def ? settingsFields(def.settings) : [];
      this.fieldCache.set(kind, fields);
    }
    return fields;
  }

  private kindName(kind: string): string {
    return this.registry.get(kind)?.displayName ?? kind;
  }

  private capabilities(kind: string): readonly Capability[] {
    return this.registry.get(kind)?.capabilities ?? [];
  }

  private defaultPoll(kind: string): number {
    return this.registry.get(kind)?.defaultPollSeconds ?? 300;
  }

  @Get('connectors')
  async list(@Req() req: Request, @Res() res: Response) {
    const session = await this.open(req, res);
    if (!session) return;
    try {
      const [views, activity] = await Promise.all([this.instances.list(), readActivity(this.ds)]);
      const rows = views.map((v) => ({
        id: v.id,
        name: v.name,
        kind: v.kind,
        kindName: this.kindName(v.kind),
        enabled: v.enabled,
        webhookUrl: v.webhook?.url ?? null,
        health: healthOf(v, this.instances.pulls(v.kind), activityOf(activity, v.id)),
      }));
      const data = {
        title: 'Connectors',
        rows,
        truncated: activity.truncated,
        windowRows: INBOX_WINDOW_ROWS.toLocaleString('en-US'),
        kinds: this.registry.describe().map((k) => ({ kind: k.kind, displayName: k.displayName })),
        canCreate: this.http.can(session, 'admin'),
        canTest: this.http.can(session, 'operator'),
        who: session.who,
        csrf: session.csrf,
      };
      if (this.http.isPartial(req))
        return this.http.send(res, 200, 'partials/connector-list-health', data);
      this.http.send(res, 200, 'connectors', data);
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  @Get('connectors/new')
  async newForm(@Req() req: Request, @Res() res: Response) {
    const session = await this.open(req, res);
    if (!session) return;
    if (!this.http.can(session, 'admin'))
      return this.http.fail(
        res,
        new HttpException('this needs the admin role', 403),
        LIST,
        session,
      );
    const kind = text(req.query.kind);
    if (!kind || !this.registry.get(kind)) return this.chooser(res, session, kind);
    const fields = this.fields(kind);
    this.sendForm(res, 200, session, kind, {
      display: displayFromSettings(fields, {}),
      name: '',
      enabled: true,
      poll: '',
      errors: {},
    });
  }

  @Post('connectors/new')
  async create(@Req() req: Request, @Res() res: Response) {
    const session = await this.open(req, res);
    if (!session) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kind = text(body.kind);
    if (!this.http.formAllowed(req, res, session, 'admin', `${LIST}/new`)) return;
    if (!this.registry.get(kind)) return this.chooser(res, session, kind);
    const fields = this.fields(kind);
    const pulls = this.instances.pulls(kind);
    const { input, errors } = readConnectorForm(fields, body, { mode: 'create', kind, pulls });
    const again = (found: FieldErrors) =>
      this.sendForm(res, 400, session, kind, {
        display: displayFromBody(fields, body),
        name: input.name,
        enabled: input.enabled,
        poll: text(body.pollIntervalSeconds),
        errors: found,
        secretsTyped: typedSecrets(fields, body),
      });
    if (Object.keys(errors).length > 0) return again(errors);
    try {
      const created = (await this.instances.create(
        { kind, ...input } as Parameters<ConnectorInstancesService['create']>[0],
        session.who,
      )) as { id: string; webhook?: { url: string; secret: string } };
      // The webhook secret exists in clear only in this answer, as in the API's 201.
      await this.sendDetail(req, res, session, created.id, 201, {
        created: created.webhook ?? null,
        live: false,
      });
    } catch (err) {
      if (err instanceof BadRequestException) return again(serviceErrors(messageOf(err)));
      this.http.fail(res, err, `${LIST}/new?kind=${encodeURIComponent(kind)}`, session);
    }
  }

  @Get('connectors/:id')
  async detail(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.open(req, res);
    if (!session) return;
    if (!UUID.test(id))
      return this.http.fail(
        res,
        new HttpException(`id: ${id} is not a connector id`, 400),
        LIST,
        session,
      );
    await this.sendDetail(req, res, session, id, 200, { saved: req.query.saved === '1' });
  }

  /**
   * The detail page's two forms post to the page itself, so the answer (a test's outcome, the
   * form with its errors) has the page's address and its live health keeps refreshing.
   */
  @Post('connectors/:id')
  async act(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.open(req, res);
    if (!session) return;
    const back = `${LIST}/${id}`;
    if (!UUID.test(id))
      return this.http.fail(
        res,
        new HttpException(`id: ${id} is not a connector id`, 400),
        LIST,
        session,
      );
    const action = text((req.body as Record<string, unknown> | undefined)?.action);
    if (action === 'check') {
      // The same role as POST /api/v1/connectors/:id/check.
      if (!this.http.formAllowed(req, res, session, 'operator', back)) return;
      try {
        const outcome = await this.instances.check(id, session.who);
        return this.sendDetail(req, res, session, id, 200, {
          check: checkView(outcome.capabilities),
        });
      } catch (err) {
        return this.http.fail(res, err, back, session);
      }
    }
    if (action === 'save') {
      if (!this.http.formAllowed(req, res, session, 'admin', back)) return;
      return this.save(req, res, session, id);
    }
    this.http.fail(res, new HttpException('action: must be check or save', 400), back, session);
  }

  private async save(req: Request, res: Response, session: ConsoleSession, id: string) {
    const back = `${LIST}/${id}`;
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const current = await this.instances.get(id);
      const fields = this.fields(current.kind);
      const pulls = this.instances.pulls(current.kind);
      const { input, errors } = readConnectorForm(fields, body, {
        mode: 'edit',
        kind: current.kind,
        pulls,
      });
      const again = (found: FieldErrors) =>
        this.sendDetail(req, res, session, id, 400, {
          form: {
            display: displayFromBody(fields, body),
            name: input.name,
            enabled: input.enabled,
            poll: text(body.pollIntervalSeconds),
            errors: found,
            secretsTyped: typedSecrets(fields, body),
          },
        });
      if (Object.keys(errors).length > 0) return again(errors);
      try {
        await this.instances.update(id, input, session.who);
      } catch (err) {
        if (err instanceof BadRequestException) return again(serviceErrors(messageOf(err)));
        throw err;
      }
      res.redirect(303, `${back}?saved=1`);
    } catch (err) {
      this.http.fail(res, err, back, session);
    }
  }

  private chooser(res: Response, session: ConsoleSession, kind: string) {
    this.http.send(res, kind ? 404 : 200, 'connector-form', {
      title: 'New connector',
      choose: true,
      unknownKind: kind || null,
      kinds: this.registry.describe().map((k) => ({
        kind: k.kind,
        displayName: k.displayName,
        capabilities: k.capabilities.join(', '),
      })),
      who: session.who,
      csrf: session.csrf,
    });
  }

  private sendForm(
    res: Response,
    status: number,
    session: ConsoleSession,
    kind: string,
    state: FormState,
  ) {
    const fields = this.fields(kind);
    this.http.send(res, status, 'connector-form', {
      title: `New ${this.kindName(kind)} connector`,
      kind,
      kindName: this.kindName(kind),
      capabilities: this.capabilities(kind),
      webhooks: this.capabilities(kind).includes('webhooks'),
      form: this.formData(fields, state, 'create', [], this.instances.pulls(kind), kind),
      setup: this.setup.for(kind),
      who: session.who,
      csrf: session.csrf,
    });
  }

  private formData(
    fields: SettingsField[],
    state: FormState,
    mode: 'create' | 'edit',
    storedSecrets: string[],
    pulls: boolean,
    kind: string,
  ) {
    return {
      fields: fieldViews(fields, state.display, { mode, storedSecrets, errors: state.errors }),
      errors: errorSummary(fields, state.errors),
      nameErrors: state.errors.name,
      pollErrors: state.errors.pollIntervalSeconds,
      // Secrets are never sent back; after a refused post they must be typed again.
      secretsCleared: Object.keys(state.errors).length > 0 && Boolean(state.secretsTyped),
      name: state.name,
      enabled: state.enabled,
      poll: state.poll,
      pulls,
      pollDefault: this.defaultPoll(kind),
    };
  }

  private async sendDetail(
    req: Request,
    res: Response,
    session: ConsoleSession,
    id: string,
    status: number,
    extras: DetailExtras,
  ) {
    try {
      const view: InstanceView = await this.instances.view(await this.instances.get(id));
      const activity = await readActivity(this.ds);
      const pulls = this.instances.pulls(view.kind);
      const health = healthOf(view, pulls, activityOf(activity, id));
      const unmatched = await listUnmatchedAlerts(this.ds, { ...OPEN_UNMATCHED, instanceId: id });
      const fields = this.fields(view.kind);
      const settings = view.settings as Record<string, unknown>;
      const data = {
        title: view.name,
        i: view,
        kindName: this.kindName(view.kind),
        health,
        unmatched,
        truncated: activity.truncated,
        windowRows: INBOX_WINDOW_ROWS.toLocaleString('en-US'),
        capabilities: view.capabilities,
        formAction: `${LIST}/${id}`,
        settingRows: settingRows(fields, settings, view.secretsSet),
        setup: this.setup.for(view.kind),
        canEdit: this.http.can(session, 'admin'),
        canTest: this.http.can(session, 'operator'),
        form: this.http.can(session, 'admin')
          ? this.formData(
              fields,
              extras.form ?? {
                display: displayFromSettings(fields, settings),
                name: view.name,
                enabled: view.enabled,
                poll: view.pollIntervalSeconds === null ? '' : String(view.pollIntervalSeconds),
                errors: {},
              },
              'edit',
              view.secretsSet,
              pulls,
              view.kind,
            )
          : null,
        formRefused: Boolean(extras.form),
        check: extras.check ?? null,
        created: extras.created ?? null,
        createdWithoutWebhook: extras.created === null,
        saved: extras.saved ?? false,
        live: extras.live ?? true,
        who: session.who,
        csrf: session.csrf,
      };
      if (this.http.isPartial(req))
        return this.http.send(res, 200, 'partials/connector-health', data);
      this.http.send(res, status, 'connector', data);
    } catch (err) {
      this.http.fail(res, err, LIST, session);
    }
  }
}

function typedSecrets(fields: SettingsField[], body: Record<string, unknown>): boolean {
  return fields.some((f) => f.secret && text(body[SETTING + f.name]) !== '');
}

function messageOf(err: HttpException): string {
  const body = err.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return [message].flat().map(String).join('; ');
}
