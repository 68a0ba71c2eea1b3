/** Correlation settings: defaults, overridable per client through /api/v1/rules. */
export interface RuleSettings {
  /** A patch or reboot this long before an outage makes it a suspect. */
  windowHours: number;
  /** A device that goes down in its own patch reboot has this long to come back healthy. */
  rebootGraceMinutes: number;
  /** After a post-patch reboot, critical services are checked through the RMM this much later. */
  verificationDelayMinutes: number;
  /** The same patch hurting devices within this period is a patch wave … */
  waveHours: number;
  /** … once it has hurt this many devices. */
  waveMinDevices: number;
  /** An outage on a device within this long after its incident resolved reopens it. */
  recurrenceHours: number;
  /** Critical services: always, by device role, and by device hostname (lower case). */
  criticalServices: {
    default: string[];
    byRole: Record<string, string[]>;
    byDevice: Record<string, string[]>;
  };
  /** Known issues: a patch known to break these services. */
  knownIssues: { patchId: string; services: string[]; note?: string }[];
}

export const DEFAULT_RULES: RuleSettings = {
  windowHours: 6,
  rebootGraceMinutes: 15,
  verificationDelayMinutes: 5,
  waveHours: 24,
  waveMinDevices: 3,
  recurrenceHours: 24,
  criticalServices: {
    default: [],
    byRole: {
      sql: ['MSSQLSERVER', 'SQLSERVERAGENT'],
      'domain-controller': ['NTDS', 'DNS', 'Netlogon', 'KDC'],
      web: ['W3SVC'],
      exchange: ['MSExchangeIS', 'MSExchangeTransport'],
      file: ['LanmanServer'],
    },
    byDevice: {},
  },
  knownIssues: [],
};

/**
 * Services that matter wherever they are installed and set to start automatically, so a SQL
 * server is verified even when nobody tagged its role.
 */
export const WELL_KNOWN_CRITICAL = [
  'MSSQLSERVER',
  'SQLSERVERAGENT',
  'W3SVC',
  'NTDS',
  'DNS',
  'Netlogon',
  'LanmanServer',
  'MSExchangeIS',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const NUMBERS: (keyof RuleSettings)[] = [
  'windowHours',
  'rebootGraceMinutes',
  'verificationDelayMinutes',
  'waveHours',
  'waveMinDevices',
  'recurrenceHours',
];

function stringLists(v: unknown, at: string, problems: string[]): void {
  if (!isObj(v)) return void problems.push(`${at}: must be an object of string lists`);
  for (const [k, list] of Object.entries(v)) {
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string'))
      problems.push(`${at}.${k}: must be a list of strings`);
  }
}

/** Checks a partial override; returns the problems, each naming its field. */
export function validateOverride(value: unknown): string[] {
  if (!isObj(value)) return ['body: must be an object'];
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!(key in DEFAULT_RULES)) problems.push(`${key}: unknown setting`);
  }
  for (const key of NUMBERS) {
    const v = value[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 24 * 30))
      problems.push(`${key}: must be a number from 0 to 720`);
  }
  if (
    value.waveMinDevices !== undefined &&
    (typeof value.waveMinDevices !== 'number' || value.waveMinDevices < 2)
  )
    problems.push('waveMinDevices: must be at least 2');
  const cs = value.criticalServices;
  if (cs !== undefined) {
    if (!isObj(cs)) problems.push('criticalServices: must be an object');
    else {
      if (
        cs.default !== undefined &&
        (!Array.isArray(cs.default) || cs.default.some((s) => typeof s !== 'string'))
      )
        problems.push('criticalServices.default: must be a list of strings');
      if (cs.byRole !== undefined) stringLists(cs.byRole, 'criticalServices.byRole', problems);
      if (cs.byDevice !== undefined)
        stringLists(cs.byDevice, 'criticalServices.byDevice', problems);
    }
  }
  const ki = value.knownIssues;
  if (ki !== undefined) {
    if (!Array.isArray(ki)) problems.push('knownIssues: must be a list');
    else
      ki.forEach((k, i) => {
        if (
          !isObj(k) ||
          typeof k.patchId !== 'string' ||
          !Array.isArray(k.services) ||
          k.services.some((s) => typeof s !== 'string')
        ) {
          problems.push(`knownIssues[${i}]: needs patchId (string) and services (list of strings)`);
        }
      });
  }
  return problems;
}

/** Defaults with a client's override on top (objects merged one level deep). */
export function effectiveRules(override: Partial<RuleSettings> | null | undefined): RuleSettings {
  if (!override) return DEFAULT_RULES;
  const cs = override.criticalServices;
  return {
    ...DEFAULT_RULES,
    ...override,
    criticalServices: {
      default: cs?.default ?? DEFAULT_RULES.criticalServices.default,
      byRole: { ...DEFAULT_RULES.criticalServices.byRole, ...cs?.byRole },
      byDevice: { ...DEFAULT_RULES.criticalServices.byDevice, ...cs?.byDevice },
    },
    knownIssues: override.knownIssues ?? DEFAULT_RULES.knownIssues,
  };
}

/** The critical services of one device under these rules. */
export function criticalServicesFor(
  rules: RuleSettings,
  device: { role: string | null; hostnameKey: string | null },
): string[] {
  const named = [
    ...rules.criticalServices.default,
    ...(device.role ? (rules.criticalServices.byRole[device.role.toLowerCase()] ?? []) : []),
    ...(device.hostnameKey ? (rules.criticalServices.byDevice[device.hostnameKey] ?? []) : []),
  ];
  return [...new Set(named)];
}
