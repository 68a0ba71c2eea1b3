import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { clientsCsv, csvFileName, devicesCsv } from '../compliance/compliance-csv';
import { clientQuery, deviceQuery } from '../compliance/compliance-query';
import { ComplianceService } from '../compliance/compliance.service';
import { trendChart } from './compliance-chart';
import { ConsoleHttp, UUID, type ConsoleSession } from './console-http';
import {
  CLIENT_SORT_CHOICES,
  DEVICE_SORT_CHOICES,
  DEVICE_STATUS_CHOICES,
  RISK_CHOICES,
  consoleQuery,
  pager,
  riskBar,
  ruleInWords,
  selected,
} from './compliance-view';

const CLIENTS_PER_PAGE = 100;
const DEVICES_PER_PAGE = 50;

/**
 * Patch compliance per client (the landing page) and one client's devices, with the same
 * filters as GET /api/v1/compliance[/clients/:id]; the CSV links export exactly what the filter
 * selects, every page, through this session (the API wants a bearer token a browser lacks).
 */
@ApiExcludeController()
@Controller('console')
export class CompliancePagesController {
  constructor(
    private readonly http: ConsoleHttp,
    private readonly compliance: ComplianceService,
  ) {}

  @Get()
  async clients(@Req() req: Request, @Res() res: Response) {
    const session = await this.http.session(req, res);
    if (!session) return;
    try {
      const raw = consoleQuery(req.query, ['q', 'risk', 'sort', 'order', 'page']);
      const page = pageOf(raw.page);
      const query = clientQuery({
        ...raw,
        limit: String(CLIENTS_PER_PAGE),
        offset: String((page - 1) * CLIENTS_PER_PAGE),
      });
      const [found, trend, rules] = await Promise.all([
        this.compliance.clients(session.who, query),
        this.compliance.trend(session.who, null),
        this.compliance.rules(session.who),
      ]);
      const filter = filterParams(raw, ['q', 'risk', 'sort', 'order']);
      this.http.send(res, 200, 'compliance', {
        title: 'Patch compliance',
        who: session.who,
        nav: 'compliance',
        scoped: Boolean(session.who.clientId),
        totals: {
          devices: found.totals.devices,
          levels: riskBar(found.totals.byRisk, found.totals.devices),
        },
        rows: found.items.map((c) => ({
          ...c,
          bar: riskBar(c.byRisk, c.devices),
          href: `/console/compliance/clients/${c.clientId}`,
        })),
        total: found.total,
        filtered: Boolean(raw.q || raw.risk),
        q: raw.q ?? '',
        risks: selected(RISK_CHOICES, raw.risk ?? ''),
        sorts: selected(CLIENT_SORT_CHOICES, query.sort),
        orders: selected(ORDER_CHOICES, query.order),
        csv: `/console/compliance.csv${filter}`,
        pages: pager('/console', filter, page, CLIENTS_PER_PAGE, found.total, 'clients'),
        chart: trendChart(trend),
        rule: ruleInWords(rules.default, rules.builtInExcludedTitles),
        overrides: rules.clients.length,
      });
    } catch (err) {
      this.http.fail(res, err, '/console/incidents', session);
    }
  }

  @Get('compliance.csv')
  async clientsExport(@Req() req: Request, @Res() res: Response) {
    const session = await this.http.session(req, res);
    if (!session) return;
    try {
      const raw = consoleQuery(req.query, ['q', 'risk', 'sort', 'order']);
      const all = await this.compliance.clients(session.who, {
        ...clientQuery(raw),
        limit: 1_000_000,
        offset: 0,
      });
      sendCsv(res, 'compliance-clients', clientsCsv(all.items));
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  @Get('compliance/clients/:id')
  async devices(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id)) return this.noClient(res, id, session);
    try {
      const keys = ['q', 'risk', 'status', 'os', 'sort', 'order', 'page'];
      const raw = consoleQuery(req.query, keys);
      const page = pageOf(raw.page);
      const query = deviceQuery({
        ...raw,
        limit: String(DEVICES_PER_PAGE),
        offset: String((page - 1) * DEVICES_PER_PAGE),
      });
      const found = await this.compliance.devices(session.who, id, query);
      const [summary, trend] = await Promise.all([
        this.compliance.clients(session.who, clientQuery({}), id),
        this.compliance.trend(session.who, id),
      ]);
      const mine = summary.items.find((c) => c.clientId === id);
      const filter = filterParams(raw, keys.slice(0, -1));
      const base = `/console/compliance/clients/${id}`;
      this.http.send(res, 200, 'compliance-client', {
        title: found.client.name,
        who: session.who,
        nav: 'compliance',
        client: found.client,
        summary: mine
          ? { ...mine, bar: riskBar(mine.byRisk, mine.devices) }
          : { devices: 0, bar: riskBar({}, 0) },
        rows: found.items.map((d) => ({
          ...d,
          criticalAge: ageInDays(d.missing.oldestCriticalSince),
        })),
        total: found.total,
        filtered: Boolean(raw.q || raw.risk || raw.status || raw.os),
        q: raw.q ?? '',
        os: raw.os ?? '',
        risks: selected(RISK_CHOICES, raw.risk ?? ''),
        statuses: selected(DEVICE_STATUS_CHOICES, raw.status ?? ''),
        sorts: selected(DEVICE_SORT_CHOICES, query.sort),
        orders: selected(ORDER_CHOICES, query.order),
        csv: `${base}/devices.csv${filter}`,
        pages: pager(base, filter, page, DEVICES_PER_PAGE, found.total, 'devices'),
        chart: trendChart(trend),
        rule: ruleInWords(found.rule.settings, found.rule.builtInExcludedTitles),
        ruleSource: RULE_SOURCE[found.rule.source],
      });
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  @Get('compliance/clients/:id/devices.csv')
  async devicesExport(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const session = await this.http.session(req, res);
    if (!session) return;
    if (!UUID.test(id)) return this.noClient(res, id, session);
    try {
      const raw = consoleQuery(req.query, ['q', 'risk', 'status', 'os', 'sort', 'order']);
      const all = await this.compliance.devices(session.who, id, deviceQuery(raw), true);
      sendCsv(res, csvFileName(all.client.name), devicesCsv(all.client.name, all.items));
    } catch (err) {
      this.http.fail(res, err, '/console', session);
    }
  }

  private noClient(res: Response, id: string, session: ConsoleSession) {
    this.http.send(res, 404, 'message', {
      title: 'Not found',
      message: `client ${id.slice(0, 60)} not found`,
      back: '/console',
      who: session.who,
    });
  }
}

const ORDER_CHOICES = [
  { value: 'desc', label: 'Descending' },
  { value: 'asc', label: 'Ascending' },
];

const RULE_SOURCE: Record<string, string> = {
  client: 'this client’s own rule',
  default: 'the installation’s default rule',
  'built-in': 'the built-in rule',
};

function pageOf(value: string | undefined): number {
  return value && /^\d{1,6}$/.test(value) ? Math.max(1, Number(value)) : 1;
}

/** The filter as a query string (empty values left out), for CSV and page links. */
function filterParams(raw: Record<string, string | undefined>, keys: string[]): string {
  const params = new URLSearchParams();
  for (const key of keys) if (raw[key]) params.set(key, raw[key]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function ageInDays(since: Date | null): number | null {
  return since ? Math.floor((Date.now() - since.getTime()) / 86_400_000) : null;
}

function sendCsv(res: Response, name: string, body: string): void {
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .setHeader('Cache-Control', 'no-store')
    .setHeader('Content-Disposition', `attachment; filename="${name}.csv"`)
    .send(body);
}
