import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { AddCorrelation1764100000000 } from './1764100000000-AddCorrelation';
import { DeferredCheckHistory1764200000000 } from './1764200000000-DeferredCheckHistory';
import { FailedPatchIndex1764300000000 } from './1764300000000-FailedPatchIndex';
import { HealthEventOrigin1764400000000 } from './1764400000000-HealthEventOrigin';
import { AddDecisions1764500000000 } from './1764500000000-AddDecisions';
import { ClientLinkMatching1764600000000 } from './1764600000000-ClientLinkMatching';
import { Rollbacks1764700000000 } from './1764700000000-Rollbacks';
import { Compliance1764800000000 } from './1764800000000-Compliance';
import { VendorGuards1764900000000 } from './1764900000000-VendorGuards';
import { UnmatchedAlerts1765000000000 } from './1765000000000-UnmatchedAlerts';

/** Every migration, in order. Never edit one after release: add a new one. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  AddCorrelation1764100000000,
  DeferredCheckHistory1764200000000,
  FailedPatchIndex1764300000000,
  HealthEventOrigin1764400000000,
  AddDecisions1764500000000,
  ClientLinkMatching1764600000000,
  Rollbacks1764700000000,
  Compliance1764800000000,
  VendorGuards1764900000000,
  UnmatchedAlerts1765000000000,
];
