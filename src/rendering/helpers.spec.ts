import {
  clause,
  duration,
  fitLine,
  percent,
  plural,
  quoteList,
  sentence,
  time,
  truncate,
} from './helpers';

describe('rendering helpers', () => {
  it('formats ISO times as UTC minutes and shows an unparsable time as is', () => {
    expect(time('2024-01-10T02:06:59.999Z')).toBe('2024-01-10 02:06 UTC');
    expect(time('2024-01-10T03:06:00+01:00')).toBe('2024-01-10 02:06 UTC');
    expect(time('yesterday')).toBe('yesterday');
    expect(time(null)).toBe('');
  });

  it('quotes service names the way Windows admins write them', () => {
    expect(quoteList(['A', 'B'])).toBe("'A', 'B'");
    expect(quoteList([])).toBe('');
  });

  it('picks the word for a count or a list', () => {
    expect(plural(['x'], 'Service', 'Services')).toBe('Service');
    expect(plural(2, 'device', 'devices')).toBe('devices');
    expect(plural([], 'service', 'services')).toBe('services');
  });

  it('rounds confidence to a whole percent', () => {
    expect(percent(0.875)).toBe('88%');
    expect(percent(undefined)).toBe('');
  });

  it('says how long an outage lasted', () => {
    expect(duration('2024-01-10T02:06:00Z', '2024-01-10T02:48:00Z')).toBe('42 min');
    expect(duration('2024-01-10T02:06:00Z', '2024-01-10T04:06:00Z')).toBe('2 h');
    expect(duration('2024-01-10T02:06:00Z', '2024-01-12T05:10:00Z')).toBe('2 d 3 h');
    expect(duration('2024-01-10T02:06:00Z', null)).toBe('');
  });

  it('turns a sentence from data into a clause, leaving ids and acronyms alone', () => {
    expect(clause("Service 'MSSQLSERVER' is running again.")).toBe(
      "service 'MSSQLSERVER' is running again",
    );
    expect(clause('KB5034441 was rolled back.')).toBe('KB5034441 was rolled back');
    expect(sentence('pause this patch')).toBe('pause this patch.');
    expect(sentence('Done!')).toBe('Done!');
  });

  it('truncates with an ASCII ellipsis within the limit', () => {
    expect(truncate('abcdefghij', 8)).toBe('abcde...');
    expect(truncate('abc', 8)).toBe('abc');
  });

  it('fits a line by shortening only its middle, and the whole when the ends are too long', () => {
    expect(fitLine(20, '[T] ', 'a very long\nheadline', ' (C)')).toBe('[T] a very lo... (C)');
    expect(fitLine(10, '[Switchboard] ', 'x', ' (C)')).toHaveLength(10);
  });
});
