import { parseDemoArgs } from './demo-args';

describe(parseDemoArgs.name, () => {
  it.each([
    ['nothing: NinjaOne and Zabbix', [], { rmm: 'ninjaone', monitoring: 'zabbix' }],
    [
      'both, as separate words',
      ['--rmm', 'automate', '--monitoring', 'solarwinds'],
      { rmm: 'automate', monitoring: 'solarwinds' },
    ],
    ['one, with =', ['--monitoring=solarwinds'], { rmm: 'ninjaone', monitoring: 'solarwinds' }],
    ['the RMM only', ['--rmm', 'automate'], { rmm: 'automate', monitoring: 'zabbix' }],
  ])('reads %s', (_name, argv, expected) => {
    expect(parseDemoArgs(argv)).toEqual(expected);
  });

  it.each([
    ['an unknown RMM', ['--rmm', 'kaseya'], '--rmm must be one of ninjaone, automate'],
    ['a missing value', ['--monitoring'], '--monitoring must be one of zabbix, solarwinds'],
    ['an unknown option', ['--psa', 'halo'], 'unknown argument --psa'],
  ])('refuses %s in one line', (_name, argv, error) => {
    expect(parseDemoArgs(argv)).toEqual({ error });
  });
});
