import type { CapabilityStatus } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';

/** One capability's line in a check() report. */
export interface ProbeResult {
  status: CapabilityStatus;
  detail?: string;
}

/**
 * Runs one check() probe: the smallest call that proves a capability works. The call resolves
 * to nothing when it does, or to a sentence saying why the capability is not usable although
 * the vendor answered (e.g. a status missing on a board).
 *
 * A refusal of the rights (`denied`) is "denied"; every other ConnectorError (bad credentials
 * included, as in the core's own check) is "error" with its message, which never holds a secret.
 * Anything else is a bug in the connector, not a vendor answer, and is thrown for the core.
 */
export async function probe(run: () => Promise<string | void>): Promise<ProbeResult> {
  try {
    const problem = await run();
    return problem ? { status: 'error', detail: problem } : { status: 'ok' };
  } catch (err) {
    if (!(err instanceof ConnectorError)) throw err;
    return { status: err.reason === 'denied' ? 'denied' : 'error', detail: err.message };
  }
}
