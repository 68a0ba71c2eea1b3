import { ApiProperty } from '@nestjs/swagger';
import { IncidentDto } from './incident.dto';
import { IncidentSuspectDto } from './incident-suspect.dto';

export class NamedRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class TimelineEntryDto {
  @ApiProperty({ example: '901', description: 'A bigint, as a string' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'opened' }) kind!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

/** A monitoring problem tied to the incident. */
export class AlertLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty() problemId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

/** A helpdesk ticket tied to the incident: the one we opened, or a user's we linked. */
export class TicketLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null until the ticket is created' })
  externalId!: string | null;
  @ApiProperty({ enum: ['incident-ticket', 'user-ticket'] }) relation!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
}

export class IncidentOutboxMessageDto {
  @ApiProperty({ example: '311' }) id!: string;
  @ApiProperty({ example: 'upsertTicket' }) action!: string;
  @ApiProperty({ format: 'uuid' }) instanceId!: string;
  @ApiProperty({ enum: ['pending', 'delivering', 'delivered', 'dead', 'discarded'] })
  status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class IncidentRollbackSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'KB5034441' }) patchId!: string;
  @ApiProperty({ example: 'succeeded' }) state!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

/** A device's incident under a patch wave. */
export class WaveChildDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['open', 'mitigating', 'resolved'] }) state!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) deviceId!: string | null;
}

/** GET /api/v1/incidents/:id: the incident with everything tied to it. */
export class IncidentDetailDto extends IncidentDto {
  @ApiProperty({ type: NamedRefDto, nullable: true }) client!: NamedRefDto | null;
  @ApiProperty({ type: NamedRefDto, nullable: true }) device!: NamedRefDto | null;
  @ApiProperty({ type: [TimelineEntryDto], description: 'Oldest first' })
  timeline!: TimelineEntryDto[];
  @ApiProperty({ type: [IncidentSuspectDto], description: 'By rank' })
  suspects!: IncidentSuspectDto[];
  @ApiProperty({ type: [AlertLinkDto] }) alerts!: AlertLinkDto[];
  @ApiProperty({ type: [TicketLinkDto] }) tickets!: TicketLinkDto[];
  @ApiProperty({ type: [IncidentOutboxMessageDto] }) outbox!: IncidentOutboxMessageDto[];
  @ApiProperty({ type: [IncidentRollbackSummaryDto] }) rollbacks!: IncidentRollbackSummaryDto[];
  @ApiProperty({ type: [WaveChildDto], description: "A wave's device incidents" })
  children!: WaveChildDto[];
}
