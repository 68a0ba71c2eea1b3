/**
 * Patches a rollback must not try to remove, because Windows cannot take them back or because
 * removing them does harm. The built-in list below is documented in README ("Rollback"); users
 * extend it through /api/v1/rollback/unremovable-rules (stored as UnremovablePatchRule).
 */
export interface UnremovableRule {
  id: string;
  /** 'patch-id': the KB equals the pattern; 'title': the patch title contains it (any case). */
  match: 'patch-id' | 'title';
  pattern: string;
  reason: string;
  builtIn: boolean;
}

export const BUILT_IN_RULES: readonly UnremovableRule[] = [
  {
    id: 'servicing-stack',
    match: 'title',
    pattern: 'Servicing Stack Update',
    reason: 'servicing stack updates cannot be removed once installed',
    builtIn: true,
  },
  {
    id: 'security-intelligence',
    match: 'title',
    pattern: 'Security Intelligence Update',
    reason: 'definition updates are replaced by the next one, not removed',
    builtIn: true,
  },
  {
    id: 'definition-update',
    match: 'title',
    pattern: 'Definition Update',
    reason: 'definition updates are replaced by the next one, not removed',
    builtIn: true,
  },
  {
    id: 'malicious-software-removal-tool',
    match: 'title',
    pattern: 'Malicious Software Removal Tool',
    reason: 'the removal tool runs once and leaves nothing installed to remove',
    builtIn: true,
  },
];

/** The first rule that forbids removing the patch, or undefined. */
export function unremovableBy(
  rules: readonly UnremovableRule[],
  patchId: string,
  title: string | null,
): UnremovableRule | undefined {
  const id = patchId.trim().toUpperCase();
  const text = (title ?? '').toLowerCase();
  return rules.find((r) =>
    r.match === 'patch-id'
      ? r.pattern.trim().toUpperCase() === id
      : text !== '' && text.includes(r.pattern.toLowerCase()),
  );
}
