import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { join } from 'node:path';
import { inline, parseBlocks } from './connector-markdown';
import { ConnectorSetupSteps, setupSections } from './connector-setup';

const md = (text: string) => parseBlocks(text.split('\n'));
const plain = (spans: { text: string }[]) => spans.map((s) => s.text).join('');

describe('README markdown → blocks', () => {
  it('reads inline code, bold, italics and links; only http(s) links keep their address', () => {
    expect(
      inline(
        'Set **`scope`** to *monitoring*, see <https://x.example/a> or [docs](https://d.example).',
      ),
    ).toEqual([
      { text: 'Set ' },
      { text: 'scope', code: true, strong: true },
      { text: ' to ' },
      { text: 'monitoring', em: true },
      { text: ', see ' },
      { text: 'https://x.example/a', href: 'https://x.example/a' },
      { text: ' or ' },
      { text: 'docs', href: 'https://d.example/' },
      { text: '.' },
    ]);
    expect(inline('[run](javascript:alert(1)) [readme](scripts/README.md)')).toEqual([
      { text: 'run) readme' },
    ]);
    expect(inline('a `Templates/*` b * c')).toEqual([
      { text: 'a ' },
      { text: 'Templates/*', code: true },
      { text: ' b * c' },
    ]);
  });

  it("keeps markup as text: escaping is the template's job", () => {
    expect(plain(inline('<script>alert(1)</script> & "x"'))).toBe(
      '<script>alert(1)</script> & "x"',
    );
  });

  it('reads headings, paragraphs, code and tables', () => {
    const blocks = md(
      [
        '### Step',
        'one line',
        'continued',
        '',
        '```json',
        '{ "a": 1 }',
        '```',
        '',
        '| Field | Meaning |',
        '|---|---|',
        '| `url` | the API |',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { kind: 'heading', level: 3, spans: [{ text: 'Step' }] },
      { kind: 'paragraph', spans: [{ text: 'one line continued' }] },
      { kind: 'code', text: '{ "a": 1 }' },
      {
        kind: 'table',
        head: [[{ text: 'Field' }], [{ text: 'Meaning' }]],
        rows: [[[{ text: 'url', code: true }], [{ text: 'the API' }]]],
      },
    ]);
  });

  it('reads ordered lists with continuation lines, nested lists and paragraphs in items', () => {
    const blocks = md(
      [
        '1. First step, which goes',
        '   on here.',
        '2. Second:',
        '   1. inner a',
        '   2. inner b',
        '',
        '   A paragraph of step 2.',
        '',
        '3. Third',
        '',
        'After the list.',
      ].join('\n'),
    );
    expect(blocks).toHaveLength(2);
    const list = blocks[0];
    if (list.kind !== 'list') throw new Error('not a list');
    expect(list.ordered).toBe(true);
    expect(list.items).toHaveLength(3);
    expect(list.items[0]).toEqual([
      { kind: 'paragraph', spans: [{ text: 'First step, which goes on here.' }] },
    ]);
    expect(list.items[1].map((b) => b.kind)).toEqual(['paragraph', 'list', 'paragraph']);
    const inner = list.items[1][1];
    expect(inner.kind === 'list' && inner.items.length).toBe(2);
    expect(blocks[1]).toEqual({ kind: 'paragraph', spans: [{ text: 'After the list.' }] });
  });

  it('picks the vendor-side sections, not those inside code or about the code', () => {
    const sections = setupSections(
      [
        '# Title',
        '## Endpoints',
        'x',
        '## Set up in Slack (once per channel)',
        '1. Open the app',
        '### Detail',
        'more',
        '```',
        '## Webhook inside code',
        '```',
        '## Settings',
        'y',
        '## Webhook',
        'z',
      ].join('\n'),
    );
    expect(sections.map((s) => plain(s.title))).toEqual([
      'Set up in Slack (once per channel)',
      'Webhook',
    ]);
    expect(sections[0].blocks.map((b) => b.kind)).toEqual(['list', 'heading', 'paragraph', 'code']);
  });

  it("finds setup steps in every shipped connector's README", () => {
    const steps = new ConnectorSetupSteps(join(__dirname, '../..'));
    const titles = (kind: string) => steps.for(kind).sections.map((s) => plain(s.title));
    expect(titles('ninjaone')).toEqual([
      'Authentication',
      'Webhook',
      'Setup (once per NinjaOne tenant)',
    ]);
    expect(titles('zabbix')).toEqual(['Webhook: the Switchboard media type']);
    expect(titles('connectwise-manage')).toEqual(['Callbacks (webhooks)']);
    for (const kind of ['email', 'pagerduty', 'slack', 'teams'])
      expect(titles(kind)[0]).toMatch(/^Set up /);
    expect(titles('connectwise-automate')).toEqual([
      'Authentication',
      'Setup (once per Automate server)',
    ]);
    expect(titles('solarwinds')).toEqual(['Orion admin setup']);
    expect(titles('request-tracker')).toEqual(['Setup in RT (what the RT administrator does)']);
    expect(titles('alertmanager')).toEqual(['Setup: what the admin adds to alertmanager.yml']);
    // Every kind but the generic one (it has no vendor side) shows its admin its steps.
    for (const { kind } of CONNECTOR_DEFINITIONS)
      if (kind !== 'generic') expect([kind, titles(kind).length > 0]).toEqual([kind, true]);
    expect(steps.for('generic')).toEqual({ source: 'connectors/generic/README.md', sections: [] });
    expect(steps.for('../etc').sections).toEqual([]);
  });
});
