/**
 * Automate's objects as the REST API sends them (api doc §4; spec models named in comments).
 * Only the fields the connector reads or the stand-in serves; ids are strings where the spec
 * says so (Computer.Id, Client.Id), numbers elsewhere.
 */

export interface AutomateRef {
  Id: string | number;
  Name: string;
}

/** LabTech.Models.Client (GET /api/v1/Clients). */
export interface AutomateClient {
  Id: string;
  Name: string;
  Company?: string;
  City?: string;
  State?: string;
  Country?: string;
  ExternalId?: string;
  Comment?: string;
}

/** LabTech.Models.Location (GET /api/v1/Locations). */
export interface AutomateLocation {
  Id: number;
  Name: string;
  Client: AutomateRef;
}

/** LabTech.Models.Computer (GET /api/v1/Computers). */
export interface AutomateComputer {
  Id: string;
  ComputerName: string;
  FriendlyName?: string;
  Client: AutomateRef;
  Location: AutomateRef;
  Status: string;
  Type: string;
  OperatingSystemName: string;
  OperatingSystemVersion?: string;
  DomainName?: string;
  RemoteAgentLastContact: string;
  LastHeartbeat?: string;
  LastStartup?: string;
  WindowsUpdateDate?: string;
  IsRebootNeeded: boolean;
  LastUserName?: string;
  LocalIPAddress?: string;
  SerialNumber?: string;
}

/** Automate.Api.Domain.Contracts.Patching.PatchHistory (GET /api/v1/PatchHistory). */
export interface AutomatePatchHistory {
  ActionDate: string;
  ComputerId: number;
  OperationCode: { Id: number; Name: string };
  PatchHistoryClient: { Id: number; Name: string };
  PatchHistoryTitle: { Id: number; Title: string; KnowledgeBaseId: number };
  ResultCode: { Id: number; Name: string };
  UpdateId: string;
}

/** LabTech.Models.ComputerMicrosoftUpdateData (GET /api/v1/Computers/{id}/MicrosoftUpdates). */
export interface AutomateMicrosoftUpdate {
  ComputerId: number;
  KnowledgeBaseId: number;
  MicrosoftUpdateId: string;
  Title: string;
  Category: string;
  Severity: string;
  ReleaseDate: string;
  InstallDate: string | null;
  InstallState: string;
  IsInstalled: boolean;
  IsFailed: boolean;
  IsCompliant: boolean;
  IsNonCompliant: boolean;
  PolicyApproval: { Id: number; Name: string };
  Cvss?: number;
}

/** LabTech.Models.ComputerService (GET /api/v1/Computers/{id}/Services). */
export interface AutomateService {
  ComputerServiceId: number;
  ComputerId: number;
  Name: string;
  Description: string;
  State: string;
  Startup: string;
  PathName: string;
  ServiceType: string;
  Username: string;
  DateLastInventoried: string;
  RunLevels: string;
  Classification: { Id: number; Name: string };
}

/** LabTech.Models.ScheduledScript: POST /api/v1/Computers/{id}/ScheduledScripts body and answer. */
export interface AutomateScheduledScript {
  Id: number;
  ScriptId: number;
  ClientId: number;
  LocationId: number;
  ComputerId: number;
  GroupId: number;
  IncludeSubgroups: boolean;
  SearchId: number;
  Disabled: boolean;
  EffectiveStartDate: string;
  EffectiveOccurrences: number;
  DistributionWindowType: number;
  DistributionWindowAmount: number;
  NextRun: string;
  NextSchedule: string;
  ScheduleType: number;
  Interval: number;
  ScheduleWeekOfMonth: number;
  ScheduleDayOfWeek: number;
  RepeatType: number;
  RepeatAmount: number;
  RepeatStopAfter: number;
  SkipOffline: boolean;
  OfflineOnly: boolean;
  WakeOffline: boolean;
  WakeScript: boolean;
  DisableTimeZone: boolean;
  RunScriptOnProbe: boolean;
  Parameters: string;
  Priority: number;
  TimeZoneAdd: number;
  User: string;
  LastUpdate: string;
}

/** LabTech.Models.ComputerScriptHistory (GET /api/v1/Computers/{id}/ScriptHistory). */
export interface AutomateScriptHistory {
  Id: number;
  ScriptId: number;
  ComputerId: number;
  Name: string;
  User: string;
  Status: 'Running' | 'Completed';
  State: 'Failure' | 'Information' | 'Success';
  HistoryDate: string;
  DiagnosticMessage: string;
}

/** LabTech.Models.ComputerRunningScript (GET /api/v1/Computers/{id}/RunningScripts). */
export interface AutomateRunningScript {
  Id: number;
  ScriptId: number;
  ComputerId: number;
  Name: string;
  Status: string;
  StartDate: string;
}
