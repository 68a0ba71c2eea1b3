import { PATCH_CATEGORIES } from '../../connectors/contract/canonical';

/**
 * The risk rule's settings: the default for every client, and a client's partial override.
 * Documented in README ("Patch compliance"), shown on the compliance page, set through
 * PUT /api/v1/compliance/rules and /api/v1/compliance/rules/clients/:clientId.
 */
export interface ComplianceSettings {
  /** A critical patch missing longer than this many days: high risk (critical on a server). */
  criticalDays: number;
  /** A reboot pending longer than this many days: medium risk (high on a server). */
  rebootDays: number;
  /** Servers count one level higher than workstations for the same findings. */
  serversFirst: boolean;
  /** Patches whose title contains one of these (any case) never make a device non-compliant. */
  excludeTitles: string[];
  /** Patch categories that never make a device non-compliant. */
  excludeCategories: string[];
}

export const DEFAULT_COMPLIANCE: ComplianceSettings = {
  criticalDays: 14,
  rebootDays: 3,
  serversFirst: true,
  excludeTitles: [],
  excludeCategories: ['definition'],
};

/**
 * Always left out, whatever the settings: updates that are replaced by the next one rather
 * than installed late. A user adds to this list with excludeTitles; it cannot be shortened.
 */
export const BUILT_IN_EXCLUDED_TITLES = [
  'Definition Update',
  'Security Intelligence Update',
  'Superseded',
] as const;

export const RISK_LEVELS = ['critical', 'high', 'medium', 'low', 'compliant'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Device statuses a filter can ask for (a device can have several). */
export const DEVICE_STATUSES = ['missing', 'failed', 'reboot-pending', 'compliant'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

const KNOWN = Object.keys(DEFAULT_COMPLIANCE);

/** Problems with a (partial) settings body, each naming its field; empty when it is valid. */
export function complianceProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['body: must be an object'];
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(v))
    if (!KNOWN.includes(key)) problems.push(`${key}: unknown setting (${KNOWN.join(', ')})`);
  for (const key of ['criticalDays', 'rebootDays'])
    if (v[key] !== undefined && !(Number.isInteger(v[key]) && isDays(v[key] as number)))
      problems.push(`${key}: must be a whole number of days, 0 to 3650`);
  if (v.serversFirst !== undefined && typeof v.serversFirst !== 'boolean')
    problems.push('serversFirst: must be true or false');
  const titles = v.excludeTitles;
  if (
    titles !== undefined &&
    (!Array.isArray(titles) ||
      titles.length > 100 ||
      titles.some((t) => typeof t !== 'string' || t.trim().length < 3 || t.length > 200))
  )
    problems.push('excludeTitles: must be a list of up to 100 texts of 3 to 200 characters');
  const categories = v.excludeCategories;
  if (
    categories !== undefined &&
    (!Array.isArray(categories) ||
      categories.some((c) => !(PATCH_CATEGORIES as readonly unknown[]).includes(c)))
  )
    problems.push(`excludeCategories: must be a list of ${PATCH_CATEGORIES.join(', ')}`);
  return problems;
}

function isDays(n: number): boolean {
  return n >= 0 && n <= 3650;
}

/** The effective settings: the client's override over the default over the built-in. */
export function effectiveCompliance(
  defaults: Partial<ComplianceSettings> | null,
  override: Partial<ComplianceSettings> | null,
): ComplianceSettings {
  return { ...DEFAULT_COMPLIANCE, ...(defaults ?? {}), ...(override ?? {}) };
}
