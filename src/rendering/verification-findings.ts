import type { IncidentView } from './incident-view';

type Entry = IncidentView['verification'][number];

/**
 * What verification found, by the latest result per subject, and what monitoring alone reports
 * failing: the alert's "Verification:" sentence is built from the first, never from the second.
 */
export function verificationFindings(
  verification: Entry[],
  failed: string[],
): Pick<IncidentView, 'verifiedFailures' | 'reportedOnly'> {
  const latest = new Map<string, Entry>();
  for (const v of verification) latest.set(v.subject, v);
  const found = [...latest.values()].filter((v) => v.result === 'failed');
  return {
    verifiedFailures: {
      services: found.filter((v) => (v.what ?? 'service') === 'service').map((v) => v.subject),
      checks: found.filter((v) => v.what === 'check').map((v) => v.subject),
    },
    reportedOnly: failed.filter((s) => !latest.has(s)),
  };
}
