/**
 * Raw NinjaOne Public API v2 shapes (shared/api/ninjaone.md). Times are Unix epoch seconds,
 * possibly fractional. Only the fields the connector reads are spelled out; the vendor sends
 * more, and the mapper validates what it reads instead of trusting these types.
 */

export interface NinjaOneTokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  /** Only in authorization-code / refresh-token responses. */
  refresh_token?: string;
}

/** OAuth-style error body of auth failures: not_authenticated, insufficient_privileges, … */
export interface NinjaOneOAuthError {
  error: string;
  error_description?: string;
  error_code?: number;
}

export interface NinjaOneOrganization {
  id: number;
  name: string;
  description?: string;
  nodeApprovalMode?: 'AUTOMATIC' | 'MANUAL' | 'REJECT';
  tags?: string[];
}

export interface NinjaOneDeviceOs {
  name?: string;
  manufacturer?: string;
  lastBootTime?: number;
  needsReboot?: boolean;
}

export interface NinjaOneDeviceSystem {
  name?: string;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  biosSerialNumber?: string;
  domain?: string;
}

/** An item of /v2/devices-detailed; `os` and `system` only on agent devices. */
export interface NinjaOneDevice {
  id: number;
  uid?: string;
  organizationId: number;
  locationId?: number;
  nodeClass?: string;
  approvalStatus?: 'PENDING' | 'APPROVED';
  offline?: boolean;
  displayName?: string;
  systemName?: string;
  dnsName?: string;
  netbiosName?: string;
  created?: number;
  lastContact?: number;
  lastUpdate?: number;
  ipAddresses?: string[];
  os?: NinjaOneDeviceOs;
  system?: NinjaOneDeviceSystem;
}

/** Report queries (/v2/queries/*) page with a named cursor. */
export interface NinjaOneQueryCursor {
  name: string;
  offset: number;
  count: number;
  expires: number;
}

export interface NinjaOneQueryResponse<T> {
  cursor: NinjaOneQueryCursor | null;
  results: T[];
}

/** A patch with no installation record yet (/v2/queries/os-patches). */
export interface NinjaOneOSPatch {
  id: string;
  name: string;
  kbNumber: string | null;
  severity?: string;
  status: 'MANUAL' | 'APPROVED' | 'FAILED' | 'REJECTED' | string;
  type?: string;
  deviceId: number;
  timestamp: number;
}

/** One installation attempt (/v2/queries/os-patch-installs). */
export interface NinjaOneOSPatchInstall {
  id: string;
  name: string;
  kbNumber: string | null;
  severity?: string;
  status: 'INSTALLED' | 'FAILED' | string;
  type?: string;
  installedAt: number;
  deviceId: number;
  timestamp?: number;
}

export interface NinjaOneActivity {
  id: number;
  activityTime: number;
  deviceId?: number;
  severity?: 'NONE' | 'MINOR' | 'MODERATE' | 'MAJOR' | 'CRITICAL';
  priority?: string;
  seriesUid?: string;
  activityType: string;
  statusCode: string;
  status?: string;
  activityResult?: 'SUCCESS' | 'FAILURE' | 'UNSUPPORTED' | 'UNCOMPLETED';
  sourceName?: string;
  subject?: string;
  message?: string;
  data?: Record<string, unknown>;
  /** Inlined by webhook deliveries configured with expand: ["device"]. */
  device?: NinjaOneDevice;
}

export interface NinjaOneActivitiesResponse {
  lastActivityId: number;
  lastNodeActivityId?: number;
  activities: NinjaOneActivity[];
}

export interface NinjaOneWindowsService {
  name: string;
  displayName?: string;
  description?: string;
  startType: string;
  userName?: string;
  state: string;
}

/** An item of GET /v2/automation/scripts (a bare array); run activities name it "Run <name>". */
export interface NinjaOneAutomationScript {
  id: number;
  name: string;
  description?: string;
  active?: boolean;
  language?: string;
  architecture?: string[];
  operatingSystems?: string[];
  scriptParameters?: string[];
}

export interface NinjaOneScriptRunRequest {
  type: 'SCRIPT';
  id: number;
  parameters: string;
  runAs: string;
}
