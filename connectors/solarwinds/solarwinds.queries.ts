/**
 * Every SWQL text the connector sends, in one place (the README lists them, the spec pins them,
 * the stand-in parses them). Values always travel as @parameters; the only interpolation is the
 * custom property name, validated as an identifier by the settings (SWQL has no parameter for a
 * property name).
 *
 * Paging is keyset: `WHERE <id> > @after ORDER BY <id> WITH ROWS 1 TO @rows`, so rows added or
 * removed between pages never shift a page (S1: always ORDER BY a unique key when paging).
 */

export const CHECK_NODES = 'SELECT TOP 1 n.NodeID FROM Orion.Nodes n';

export const CHECK_ALERTS = 'SELECT TOP 1 aa.AlertActiveID FROM Orion.AlertActive aa';

/** Orion.Nodes for inventory (§5.1 of the API notes), with the client custom property. */
export function nodesPage(clientProperty: string | undefined): string {
  const client = clientProperty ? `, n.CustomProperties.${clientProperty} AS ClientName` : '';
  return (
    'SELECT n.NodeID, n.Caption, n.IPAddress, n.DNS, n.SysName, n.Vendor, n.MachineType, ' +
    'n.Status, n.StatusDescription, n.LastBoot, n.UnManaged, n.DetailsUrl, n.Uri' +
    client +
    ' FROM Orion.Nodes n WHERE n.NodeID > @after ORDER BY n.NodeID WITH ROWS 1 TO @rows'
  );
}

/** The Orion groups (containers) the nodes of one page belong to; IN @ids expands an array. */
export const NODE_GROUPS =
  'SELECT cm.MemberPrimaryID, cm.ContainerID, c.Name AS GroupName ' +
  'FROM Orion.ContainerMembers cm INNER JOIN Orion.Container c ON cm.ContainerID = c.ContainerID ' +
  'WHERE cm.MemberEntityType = @entityType AND cm.MemberPrimaryID IN @ids ' +
  'ORDER BY cm.ContainerID';

/** Node status for the health poll (a smaller SELECT than inventory's). */
export const NODE_STATUS_PAGE =
  'SELECT n.NodeID, n.Caption, n.DNS, n.IPAddress, n.Status, n.StatusDescription, n.UnManaged ' +
  'FROM Orion.Nodes n WHERE n.NodeID > @after ORDER BY n.NodeID WITH ROWS 1 TO @rows';

/**
 * SAM component monitors of the Windows-service kind (§5.3). The monitor type is reached through
 * the ComponentDefinition navigation property (relationship
 * Orion.APM.ComponentDefinitionReferencesComponent in the published schema) rather than the
 * UNCONFIRMED join on ComponentType.
 */
const COMPONENT_SELECT =
  'SELECT c.ComponentID, c.Name, c.Status, c.StatusDescription, c.Disabled, c.UnManaged, ' +
  'c.CurrentStatus.TimeStamp AS LastPoll, c.CurrentStatus.LastTimeUp, c.CurrentStatus.ErrorMessage, ' +
  'a.ApplicationID, a.Name AS ApplicationName, a.NodeID, a.Node.Caption AS NodeCaption, ' +
  'c.ComponentDefinition.Name AS MonitorType ' +
  'FROM Orion.APM.Component c INNER JOIN Orion.APM.Application a ON c.ApplicationID = a.ApplicationID ';

export const SERVICE_COMPONENTS_PAGE =
  COMPONENT_SELECT +
  'WHERE c.ComponentDefinition.Name LIKE @kind AND c.ComponentID > @after ' +
  'ORDER BY c.ComponentID WITH ROWS 1 TO @rows';

export const SERVICE_COMPONENTS_OF_NODE =
  COMPONENT_SELECT +
  'WHERE c.ComponentDefinition.Name LIKE @kind AND a.NodeID = @nodeId ORDER BY c.ComponentID';

/** Where the alert history stands now: the first health pull starts after it. */
export const LAST_HISTORY_ID =
  'SELECT TOP 1 ah.AlertHistoryID FROM Orion.AlertHistory ah ORDER BY ah.AlertHistoryID DESC';

/** The active-alert join of §5.2, keyset-paged by AlertActiveID. */
export const ACTIVE_ALERTS_PAGE =
  'SELECT aa.AlertActiveID, aa.AlertObjectID, aa.TriggeredDateTime, aa.TriggeredMessage, ' +
  'aa.Acknowledged, aa.AcknowledgedBy, aa.AcknowledgedDateTime, aa.NumberOfNotes, ' +
  'ao.AlertID, ao.EntityUri, ao.EntityType, ao.EntityCaption, ao.EntityDetailsUrl, ' +
  'ao.RelatedNodeId, ao.RelatedNodeCaption, ac.Name AS AlertName, ac.Severity, ac.ObjectType ' +
  'FROM Orion.AlertActive aa ' +
  'INNER JOIN Orion.AlertObjects ao ON aa.AlertObjectID = ao.AlertObjectID ' +
  'INNER JOIN Orion.AlertConfigurations ac ON ao.AlertID = ac.AlertID ' +
  'WHERE aa.AlertActiveID > @after ORDER BY aa.AlertActiveID WITH ROWS 1 TO @rows';

/** Triggers (EventType 0) and resets (1) after the cursor, with what they were about. */
export const ALERT_HISTORY_PAGE =
  'SELECT ah.AlertHistoryID, ah.EventType, ah.Message, ah.TimeStamp, ah.AlertActiveID, ' +
  'ah.AlertObjectID, ao.AlertID, ao.EntityType, ao.EntityCaption, ao.RelatedNodeId, ' +
  'ao.RelatedNodeCaption, ac.Name AS AlertName, ac.Severity ' +
  'FROM Orion.AlertHistory ah ' +
  'INNER JOIN Orion.AlertObjects ao ON ah.AlertObjectID = ao.AlertObjectID ' +
  'INNER JOIN Orion.AlertConfigurations ac ON ao.AlertID = ac.AlertID ' +
  'WHERE ah.AlertHistoryID > @after AND ah.EventType IN @types ' +
  'ORDER BY ah.AlertHistoryID WITH ROWS 1 TO @rows';

/** Notes (EventType 3) and acknowledgements (2) of one alert object that carry a marker. */
export const NOTES_WITH_MARKER =
  'SELECT ah.AlertHistoryID, ah.Message FROM Orion.AlertHistory ah ' +
  'WHERE ah.AlertObjectID = @alertObjectId AND ah.EventType IN @types AND ah.Message LIKE @marker';

/** Whether the alert object is active now, and acknowledged. */
export const ACTIVE_STATE =
  'SELECT aa.AlertActiveID, aa.Acknowledged FROM Orion.AlertActive aa ' +
  'WHERE aa.AlertObjectID = @alertObjectId';

/** Orion.AlertHistory EventType values (S3). */
export const HISTORY_TRIGGERED = 0;
export const HISTORY_RESET = 1;
export const HISTORY_ACKNOWLEDGED = 2;
export const HISTORY_NOTE = 3;
