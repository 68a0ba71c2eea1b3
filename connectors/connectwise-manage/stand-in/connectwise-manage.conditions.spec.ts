import { allOf, dateLiteral, quote } from '../connectwise-manage.conditions';
import {
  deliverySearchFragment,
  noteWithDelivery,
  searchFragment,
} from '../connectwise-manage.marker';
import { compileConditions, ConditionsError } from './connectwise-manage.conditions';
import { NOTE_FIELDS, TICKET_FIELDS } from './connectwise-manage.list';
import type { CwNote, CwTicket } from './connectwise-manage.state';

/** The conditions the real connector builds (with its own builders), evaluated by the stand-in. */

function ticket(id: number, summary: string, closedFlag: boolean, lastUpdated: string): CwTicket {
  return {
    id,
    summary,
    recordType: 'ServiceTicket',
    board: { id: 12, name: 'Monitoring' },
    status: { id: 501, name: 'New', sort: 0 },
    company: { id: 250, identifier: 'ACME', name: 'Acme [Dental]' },
    priority: { id: 8, name: 'Priority 3 - Normal', sort: 6, level: 'Medium' },
    severity: 'Medium',
    impact: 'Medium',
    closedFlag,
    actualHours: 0,
    customFields: [],
    _info: { lastUpdated, updatedBy: 'x' },
  };
}

const rows = [
  ticket(1, 'Disk low [SB-inc-1]', false, '2026-01-01T00:00:00Z'),
  ticket(2, 'SQL down [SB-inc-12]', true, '2026-01-05T00:00:00Z'),
  ticket(3, 'Printer [SB-incX1]', true, '2025-12-01T00:00:00Z'),
];

const ids = (conditions: string): number[] =>
  rows.filter(compileConditions(conditions, TICKET_FIELDS)).map((t) => t.id);

it('finds the marker with summary contains, without matching a longer key', () => {
  expect(ids(`summary contains ${quote(searchFragment('inc-1'))}`)).toEqual([1]);
});

it('treats _ as a LIKE wildcard in contains, as the connector README expects', () => {
  expect(ids('summary contains "SB-inc_1]"')).toEqual([1, 3]);
});

it('finds the note carrying a delivery marker with text contains, and no other', () => {
  const note = (id: number, text: string): CwNote => ({
    id,
    ticketId: 1,
    text,
    detailDescriptionFlag: false,
    internalAnalysisFlag: true,
    resolutionFlag: false,
    issueFlag: false,
    internalFlag: true,
    externalFlag: false,
    member: { id: 177, identifier: 'SwitchboardAPI', name: 'Switchboard API' },
    dateCreated: '2026-01-01T00:00:00Z',
    createdBy: 'SwitchboardAPI',
    _info: { lastUpdated: '2026-01-01T00:00:00Z', updatedBy: 'SwitchboardAPI' },
  });
  const notes = [
    note(1, noteWithDelivery('Rebooted.', 'SB-0A1B2C3D4E5F')),
    note(2, noteWithDelivery('Rebooted.', 'SB-0A1B2C3D4E5F0')),
    note(3, 'Rebooted.'),
  ];
  const test = compileConditions(
    `text contains ${quote(deliverySearchFragment('SB-0A1B2C3D4E5F'))}`,
    NOTE_FIELDS,
  );
  expect(notes.filter(test).map((n) => n.id)).toEqual([1]);
});

it('evaluates the first ticket walk: (closedFlag=false or lastUpdated > [T]) and id > N', () => {
  const scope = `closedFlag=false or lastUpdated > ${dateLiteral(new Date('2026-01-02T00:00:00Z'))}`;
  expect(ids(allOf(scope, 'id > 0'))).toEqual([1, 2]);
  expect(ids(allOf(scope, 'id > 1'))).toEqual([2]);
});

it('compares strings case-insensitively with = and reads [[] as a literal [', () => {
  expect(ids(`company/name=${quote('acme [dental]')} and company/id=250`)).toEqual([1, 2, 3]);
  expect(ids('id in (1, 3) and summary not contains "printer"')).toEqual([1]);
});

it.each([
  ['an unknown field', 'color="red"'],
  ['a string compared with a number', 'summary > 3'],
  ['a quoted boolean', 'closedFlag="false"'],
  ['an unknown operator', 'summary ~ "x"'],
  ['unbalanced parentheses', '(id > 1'],
  ['a bad date', 'lastUpdated > [yesterday]'],
])('refuses %s', (_what, conditions) => {
  expect(() => ids(conditions)).toThrow(ConditionsError);
});
