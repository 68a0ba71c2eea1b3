import type { Rollback } from './entities/rollback.entity';

/** A rollback as the API answers it. */
export function rollbackView(r: Rollback, publicUrl: string) {
  return {
    id: r.id,
    incidentId: r.incidentId,
    batchId: r.batchId,
    deviceId: r.deviceId,
    clientId: r.clientId,
    instanceId: r.instanceId,
    patchId: r.patchId,
    state: r.state,
    reason: r.reason,
    requestedBy: r.requestedBy,
    approvedBy: r.approvedBy,
    whenOnline: r.whenOnline,
    preflight: r.preflight,
    plan: r.plan,
    jobId: r.jobId,
    result: r.result,
    verification: r.verification,
    steps: r.steps,
    deadlineAt: r.deadlineAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    finishedAt: r.finishedAt,
    links: {
      self: `${publicUrl}/api/v1/rollbacks/${r.id}`,
      page: `${publicUrl}/console/rollbacks/${r.id}`,
    },
  };
}

export type RollbackView = ReturnType<typeof rollbackView>;
