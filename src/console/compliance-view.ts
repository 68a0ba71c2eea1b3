import type { ComplianceSettings } from '../compliance/compliance-settings';
import { RISK_LEVELS } from '../compliance/compliance-settings';

export interface Choice {
  value: string;
  label: string;
}

export const RISK_CHOICES: Choice[] = [
  { value: '', label: 'Any risk' },
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High' },
  { value: 'medium', label: 'Medium' },
  { value: 'low', label: 'Low' },
  { value: 'compliant', label: 'Compliant' },
  { value: 'critical,high', label: 'High or worse' },
  { value: 'critical,high,medium,low', label: 'Any non-compliant' },
];

export const DEVICE_STATUS_CHOICES: Choice[] = [
  { value: '', label: 'Any status' },
  { value: 'missing', label: 'Missing patches' },
  { value: 'failed', label: 'Failed installs' },
  { value: 'reboot-pending', label: 'Reboot pending' },
  { value: 'compliant', label: 'Compliant' },
];

export const CLIENT_SORT_CHOICES: Choice[] = [
  { value: 'risk', label: 'Risk' },
  { value: 'name', label: 'Name' },
  { value: 'devices', label: 'Devices' },
  { value: 'noncompliant', label: 'Non-compliant devices' },
  { value: 'compliant', label: 'Compliant %' },
];

export const DEVICE_SORT_CHOICES: Choice[] = [
  { value: 'risk', label: 'Risk' },
  { value: 'name', label: 'Name' },
  { value: 'os', label: 'OS' },
  { value: 'missing', label: 'Missing patches' },
  { value: 'failed', label: 'Failed installs' },
  { value: 'critical-age', label: 'Oldest missing critical' },
  { value: 'reboot', label: 'Reboot pending since' },
  { value: 'last-seen', label: 'Last seen' },
  { value: 'last-installed', label: 'Last installed' },
];

/** The choices with the current one marked, for a <select>. */
export function selected(choices: Choice[], current: string): (Choice & { selected: boolean })[] {
  const known = choices.some((c) => c.value === current);
  const all = known ? choices : [...choices, { value: current, label: current }];
  return all.map((c) => ({ ...c, selected: c.value === current }));
}

/**
 * The page's query values that are plain strings: a value given twice or as an object is a
 * person's typo or a crafted link, and the API's own check then names the field.
 */
export function consoleQuery(query: unknown, keys: string[]): Record<string, string | undefined> {
  const source = (query ?? {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const key of keys) {
    const value = source[key];
    out[key] = typeof value === 'string' && value.trim() ? value.trim() : undefined;
  }
  return out;
}

export interface RiskSegment {
  level: string;
  count: number;
  percent: number;
}

/**
 * A risk bar: a segment per level with devices, its width the level's share; `label` says the
 * same in words, because the colour never carries the meaning alone.
 */
export function riskBar(byRisk: Record<string, number>, devices: number) {
  const segments: RiskSegment[] = RISK_LEVELS.filter((l) => (byRisk[l] ?? 0) > 0).map((l) => ({
    level: l,
    count: byRisk[l],
    percent: devices > 0 ? Math.round((1000 * byRisk[l]) / devices) / 10 : 0,
  }));
  return {
    segments,
    label:
      devices === 0
        ? 'no devices'
        : segments.map((s) => `${s.count} ${s.level}`).join(', ') + ` of ${devices}`,
  };
}

/** The risk rule in sentences, as the page shows it. */
export function ruleInWords(settings: ComplianceSettings, builtIn: readonly string[]): string[] {
  const server = settings.serversFirst
    ? 'A server counts one level higher than a workstation with the same findings (so a server can be critical).'
    : 'Servers and workstations count the same.';
  const titles = [...builtIn, ...settings.excludeTitles].map((t) => `“${t}”`).join(', ');
  const categories = settings.excludeCategories.length
    ? `patches of the categories ${settings.excludeCategories.join(', ')}`
    : 'no category';
  return [
    `High: a failed install not since installed, or a critical patch missing for more than ${settings.criticalDays} days.`,
    `Medium: a critical or important patch missing, or a reboot pending for more than ${settings.rebootDays} days.`,
    'Low: any other missing patch, or a reboot pending.',
    'Compliant: nothing missing, failed or pending.',
    server,
    `Never counted: ${categories}, and titles containing ${titles}.`,
  ];
}

/** Previous / next links that keep the filter, and the heading of what this page shows. */
export function pager(
  base: string,
  filter: string,
  page: number,
  size: number,
  total: number,
  noun: string,
) {
  const link = (p: number) => `${base}${filter}${filter ? '&' : '?'}page=${p}`;
  const first = (page - 1) * size + 1;
  const last = Math.min(page * size, total);
  return {
    heading:
      total === 0
        ? `No ${noun}`
        : total <= size
          ? `${total} ${total === 1 ? noun.replace(/s$/, '') : noun}`
          : first > total
            ? `No ${noun} on page ${page}; there are ${total}`
            : `${noun[0].toUpperCase()}${noun.slice(1)} ${first}–${last} of ${total}`,
    previous: page > 1 ? link(page - 1) : null,
    next: page * size < total ? link(page + 1) : null,
  };
}
