import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as views from './fixtures/incident-views';
import type { IncidentView } from './incident-view';
import { defaultTemplatesDir, TEMPLATE_NAMES, TemplateName, TemplateRenderer } from './renderer';

const GOLDEN = join(__dirname, 'golden');

/** Which fixture goes through which template; every template appears at least once. */
const CASES: [string, () => IncidentView, TemplateName[]][] = [
  [
    'two-am',
    views.twoAmView,
    ['alert-note/opened', 'ticket/summary', 'ticket/description', 'paging/message'],
  ],
  ['degraded', views.degradedView, ['alert-note/opened', 'ticket/summary']],
  ['several', views.severalView, ['alert-note/opened', 'ticket/summary', 'ticket/description']],
  [
    'unknown',
    views.unknownCauseView,
    ['alert-note/opened', 'ticket/summary', 'ticket/description'],
  ],
  ['reboot-only', views.rebootOnlyView, ['alert-note/opened', 'ticket/summary']],
  ['wave', views.waveView, ['alert-note/opened', 'ticket/description', 'ticket/note-updated']],
  ['no-client', views.noClientView, ['ticket/summary', 'ticket/description']],
  ['updated', views.updatedView, ['alert-note/updated', 'ticket/note-updated']],
  [
    'resolved',
    views.resolvedView,
    ['alert-note/resolved', 'ticket/note-resolved', 'ticket/description', 'paging/message'],
  ],
  ['linked', views.linkedView, ['ticket/note-linked']],
  ['recurred', views.recurredView, ['ticket/note-recurred']],
  ['monitoring-extra', views.monitoringExtraView, ['alert-note/opened']],
  ['unverified', views.unverifiedView, ['alert-note/opened']],
  ['check-failed', views.checkFailedView, ['alert-note/opened']],
];

const ROWS = CASES.flatMap(([fixture, build, names]) =>
  names.map((name) => ({ fixture, build, name, file: `${fixture}.${name.replace('/', '.')}` })),
);

/** Expected files end with a newline like any text file; rendered text is trimmed. */
function golden(file: string): string {
  return readFileSync(join(GOLDEN, `${file}.expected.txt`), 'utf8').replace(/\n$/, '');
}

function writeTemplate(dir: string, name: string, body: string): void {
  const file = join(dir, `${name}.hbs`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, body);
}

describe(TemplateRenderer.name, () => {
  const sut = new TemplateRenderer({ baseDir: defaultTemplatesDir() });

  it.each(ROWS)('renders $fixture through $name as in golden/$file.expected.txt', (row) => {
    expect(sut.render(row.name, row.build())).toBe(golden(row.file));
  });

  it('covers every template with at least one golden file', () => {
    expect(new Set(ROWS.map((r) => r.name))).toEqual(new Set(TEMPLATE_NAMES));
  });

  it('tells the on-call engineer the 2 AM story in one sentence, then where to roll it back', () => {
    expect(sut.render('alert-note/opened', views.twoAmView())).toBe(
      "Server-01 is Offline. Trigger: Post-Patch Reboot (KB5034441). Verification: Service 'MSSQLSERVER' failed to start." +
        ` Rollback: https://switchboard.example.com/console/incidents/${views.twoAmView().id}/rollback`,
    );
  });

  it('keeps every alert note and summary on one line', () => {
    const oneLiners: TemplateName[] = [
      'alert-note/opened',
      'alert-note/updated',
      'alert-note/resolved',
      'ticket/summary',
    ];
    for (const [, build] of CASES) {
      for (const name of oneLiners) expect(sut.render(name, build())).not.toContain('\n');
    }
  });

  it('shortens the summary below 100 characters, keeping the tag and the client', () => {
    const view = views.twoAmView({
      device: {
        name: 'SRV-DATABASE-PRIMARY-CLUSTER-NODE-01.corp.acme-dental.example',
        status: 'Offline',
      },
      client: { name: 'Acme Dental Group of Northern Counties and Associated Practices' },
      patches: ['KB5034441', 'KB5034439', 'KB5034122', 'KB5033118'].map((id) => ({
        id,
        title: null,
        installedAt: '2024-01-10T02:00:00.000Z',
      })),
    });
    const summary = sut.render('ticket/summary', view);
    expect(summary.length).toBeLessThan(100);
    expect(summary).toMatch(/^\[Switchboard\] SRV-DATABASE-PRIMARY-CLUSTER-NODE-01\.corp/);
    expect(summary).toMatch(/\.\.\. \(Acme Dental Group of Northe\.\.\.\)$/);
  });

  it('throws an error naming a missing template', () => {
    expect(() => sut.render('ticket/nope' as TemplateName, views.twoAmView())).toThrow(
      "Template 'ticket/nope' not found",
    );
  });

  it('refuses a template name that leaves the template folders', () => {
    expect(() => sut.render('../package' as TemplateName, views.twoAmView())).toThrow(
      "Template '../package' is not a valid template name",
    );
  });

  it('finds the shipped templates folder', () => {
    expect(readFileSync(join(defaultTemplatesDir(), 'alert-note', 'opened.hbs'), 'utf8')).toContain(
      'Trigger:',
    );
  });

  describe('with an override directory', () => {
    let overrideDir: string;
    beforeEach(() => (overrideDir = mkdtempSync(join(tmpdir(), 'switchboard-templates-'))));
    afterEach(() => rmSync(overrideDir, { recursive: true, force: true }));

    it('replaces one template and leaves the others shipped', () => {
      writeTemplate(overrideDir, 'alert-note/opened', 'ACME NOC: {{device.name}} down\r\n');
      const renderer = new TemplateRenderer({ baseDir: defaultTemplatesDir(), overrideDir });
      const view = views.twoAmView();
      expect(renderer.render('alert-note/opened', view)).toBe('ACME NOC: Server-01 down');
      expect(renderer.render('ticket/summary', view)).toBe(golden('two-am.ticket.summary'));
      expect(renderer.render('ticket/description', view)).toBe(golden('two-am.ticket.description'));
    });

    it('replaces a partial in every template that uses it', () => {
      writeTemplate(overrideDir, 'partials/trigger', 'patch {{join (pluck patches "id") " + "}}\n');
      const renderer = new TemplateRenderer({ baseDir: defaultTemplatesDir(), overrideDir });
      expect(renderer.render('alert-note/opened', views.severalView())).toMatch(
        /^Server-01 is Offline\. Trigger: patch KB5034441 \+ KB5034439\. Verification: Services 'MSSQLSERVER', 'SQLSERVERAGENT' failed to start\. Rollback: /,
      );
    });

    it('compiles a template once and reuses it', () => {
      writeTemplate(overrideDir, 'alert-note/opened', 'first');
      const renderer = new TemplateRenderer({ baseDir: defaultTemplatesDir(), overrideDir });
      expect(renderer.render('alert-note/opened', views.twoAmView())).toBe('first');
      writeTemplate(overrideDir, 'alert-note/opened', 'second');
      expect(renderer.render('alert-note/opened', views.twoAmView())).toBe('first');
    });

    it('names the template when an override does not compile', () => {
      writeTemplate(overrideDir, 'alert-note/opened', '{{#if device}}unclosed');
      const renderer = new TemplateRenderer({ baseDir: defaultTemplatesDir(), overrideDir });
      expect(() => renderer.render('alert-note/opened', views.twoAmView())).toThrow(
        "Template 'alert-note/opened' failed",
      );
    });
  });
});
