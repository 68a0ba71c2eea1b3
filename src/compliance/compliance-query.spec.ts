import { BadRequestException } from '@nestjs/common';
import { CLIENT_SORTS, clientQuery, DEVICE_SORTS, deviceQuery, wantsCsv } from './compliance-query';

/** The message of the 400 `fn` throws (fails the test when it throws nothing or else). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestException);
    return (err as BadRequestException).message;
  }
  throw new Error('expected a 400, nothing was thrown');
}

describe('deviceQuery', () => {
  it('defaults: no filter, riskiest first, 50 from the start', () => {
    expect(deviceQuery({})).toEqual({
      risk: [],
      status: [],
      os: undefined,
      q: undefined,
      sort: 'risk',
      order: 'desc',
      limit: 50,
      offset: 0,
    });
  });

  it('reads comma lists (trimmed, empty parts dropped) and repeated parameters', () => {
    expect(deviceQuery({ risk: ' high , medium,,' }).risk).toEqual(['high', 'medium']);
    expect(deviceQuery({ risk: ['critical', 'low'] }).risk).toEqual(['critical', 'low']);
    expect(deviceQuery({ status: 'missing,reboot-pending' }).status).toEqual([
      'missing',
      'reboot-pending',
    ]);
    expect(deviceQuery({ risk: '', status: '' })).toMatchObject({ risk: [], status: [] });
  });

  it('names the parameter and the bad value of a list, with the allowed ones', () => {
    expect(refusal(() => deviceQuery({ risk: 'high,severe' }))).toBe(
      'risk: severe is not one of critical, high, medium, low, compliant',
    );
    expect(refusal(() => deviceQuery({ status: 'rebooting' }))).toBe(
      'status: rebooting is not one of missing, failed, reboot-pending, compliant',
    );
    expect(refusal(() => deviceQuery({ risk: 'HIGH' }))).toMatch(/^risk: HIGH /);
  });

  it('trims the text filters and refuses more than 200 characters, naming the parameter', () => {
    expect(deviceQuery({ q: '  acme-dc1 ', os: ' Server ' })).toMatchObject({
      q: 'acme-dc1',
      os: 'Server',
    });
    expect(deviceQuery({ q: '   ' }).q).toBeUndefined();
    expect(deviceQuery({ q: 'x'.repeat(200) }).q).toHaveLength(200);
    expect(refusal(() => deviceQuery({ q: 'x'.repeat(201) }))).toBe('q: at most 200 characters');
    expect(refusal(() => deviceQuery({ os: 'x'.repeat(201) }))).toBe('os: at most 200 characters');
  });

  it('orders names and OS ascending by default, every other sort descending', () => {
    for (const sort of Object.keys(DEVICE_SORTS))
      expect([sort, deviceQuery({ sort }).order]).toEqual([
        sort,
        sort === 'name' || sort === 'os' ? 'asc' : 'desc',
      ]);
    expect(deviceQuery({ sort: 'name', order: 'desc' })).toMatchObject({
      sort: 'name',
      order: 'desc',
    });
    expect(deviceQuery({ sort: 'missing', order: 'asc' }).order).toBe('asc');
  });

  it('refuses an unknown sort or order (no text reaches the SQL), naming the parameter', () => {
    expect(refusal(() => deviceQuery({ sort: 'display_name; DROP TABLE device' }))).toBe(
      'sort: must be one of risk, name, os, missing, failed, critical-age, reboot, last-seen, last-installed',
    );
    expect(refusal(() => deviceQuery({ sort: 'devices' }))).toMatch(/^sort: /);
    expect(refusal(() => deviceQuery({ order: 'up' }))).toBe('order: must be one of asc, desc');
    expect(refusal(() => deviceQuery({ order: 'ASC' }))).toMatch(/^order: /);
  });

  it('pages: limit 1 to 1000, offset from 0, whole numbers only', () => {
    expect(deviceQuery({ limit: '1', offset: '0' })).toMatchObject({ limit: 1, offset: 0 });
    expect(deviceQuery({ limit: '1000', offset: '250' })).toMatchObject({
      limit: 1000,
      offset: 250,
    });
    for (const limit of ['0', '1001', '-5', '2.5', 'ten', ['10', '20']])
      expect(refusal(() => deviceQuery({ limit }))).toBe(
        'limit: must be a whole number from 1 to 1000',
      );
    for (const offset of ['-1', '1.5', 'x'])
      expect(refusal(() => deviceQuery({ offset }))).toBe(
        'offset: must be a whole number from 0 to 10000000',
      );
  });
});

describe('clientQuery', () => {
  it('defaults: riskiest client first, 100 from the start', () => {
    expect(clientQuery({})).toEqual({
      risk: [],
      q: undefined,
      sort: 'risk',
      order: 'desc',
      limit: 100,
      offset: 0,
    });
  });

  it('orders by name ascending by default, every other sort descending', () => {
    for (const sort of Object.keys(CLIENT_SORTS))
      expect([sort, clientQuery({ sort }).order]).toEqual([sort, sort === 'name' ? 'asc' : 'desc']);
  });

  it('knows only the client sorts, and names each bad parameter', () => {
    expect(refusal(() => clientQuery({ sort: 'os' }))).toBe(
      'sort: must be one of risk, name, devices, noncompliant, compliant',
    );
    expect(refusal(() => clientQuery({ risk: 'none' }))).toMatch(/^risk: none is not one of /);
    expect(refusal(() => clientQuery({ limit: '0' }))).toMatch(/^limit: /);
    expect(refusal(() => clientQuery({ offset: '-1' }))).toMatch(/^offset: /);
    expect(refusal(() => clientQuery({ q: 'y'.repeat(201) }))).toBe('q: at most 200 characters');
  });
});

describe('wantsCsv', () => {
  it('follows ?format when it is given, whatever the Accept header says', () => {
    expect(wantsCsv('csv', undefined)).toBe(true);
    expect(wantsCsv('csv', 'application/json')).toBe(true);
    expect(wantsCsv('json', 'text/csv')).toBe(false);
  });

  it('refuses another format, naming the parameter', () => {
    expect(refusal(() => wantsCsv('xlsx', undefined))).toBe('format: must be csv or json');
    expect(refusal(() => wantsCsv('CSV', undefined))).toBe('format: must be csv or json');
  });

  it('reads an Accept header that asks for CSV and not JSON', () => {
    expect(wantsCsv(undefined, 'text/csv')).toBe(true);
    expect(wantsCsv('', 'text/csv; charset=utf-8')).toBe(true);
    expect(wantsCsv(undefined, 'text/csv, */*;q=0.1')).toBe(true);
  });

  it('answers JSON by default, to a browser, and when the header names JSON too', () => {
    expect(wantsCsv(undefined, undefined)).toBe(false);
    expect(wantsCsv(undefined, '*/*')).toBe(false);
    expect(wantsCsv(undefined, 'application/json')).toBe(false);
    expect(wantsCsv(undefined, 'text/html,application/xhtml+xml,*/*;q=0.8')).toBe(false);
    expect(wantsCsv(undefined, 'application/json, text/csv')).toBe(false);
  });
});
