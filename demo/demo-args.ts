import { MONITORING_CHOICES, type MonitoringChoice } from './monitoring-side';
import { RMM_CHOICES, type RmmChoice } from './rmm-side';

/** The command line of `npm run demo` (npm hands over what follows `--`). */

export const USAGE = `usage: npm run demo -- [--rmm ${RMM_CHOICES.join('|')}] [--monitoring ${MONITORING_CHOICES.join('|')}]`;

export interface DemoChoice {
  rmm: RmmChoice;
  monitoring: MonitoringChoice;
}

/**
 * `--rmm X` or `--rmm=X`, `--monitoring Y` or `--monitoring=Y`, NinjaOne and Zabbix unless
 * told; anything else is an error, in one line.
 */
export function parseDemoArgs(argv: string[]): DemoChoice | { error: string } {
  const chosen: DemoChoice = { rmm: 'ninjaone', monitoring: 'zabbix' };
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(rmm|monitoring)(?:=(.*))?$/.exec(argv[i]);
    if (!match) return { error: `unknown argument ${argv[i]}` };
    const value = match[2] ?? argv[++i] ?? '';
    if (match[1] === 'rmm') {
      const rmm = RMM_CHOICES.find((c) => c === value);
      if (!rmm) return { error: `--rmm must be one of ${RMM_CHOICES.join(', ')}` };
      chosen.rmm = rmm;
    } else {
      const monitoring = MONITORING_CHOICES.find((c) => c === value);
      if (!monitoring)
        return { error: `--monitoring must be one of ${MONITORING_CHOICES.join(', ')}` };
      chosen.monitoring = monitoring;
    }
  }
  return chosen;
}
