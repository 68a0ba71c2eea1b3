import { ApiProperty } from '@nestjs/swagger';
import type { OutboxAction } from '../outbox-command';

/** Every action, checked against OutboxAction at compile time: a new one must be listed here. */
const ACTIONS: Record<OutboxAction, true> = {
  pushAlertNote: true,
  upsertTicket: true,
  noteTicket: true,
  closeTicket: true,
  reopenTicket: true,
  runRollback: true,
  notify: true,
  silenceDevice: true,
  expireSilence: true,
};

/** A write-back to a tool, delivered by the outbox with retries. */
export class OutboxMessageDto {
  @ApiProperty({ example: '311', description: 'Increasing id (a bigint, as a string)' })
  id!: string;
  @ApiProperty({ format: 'uuid', description: 'The instance it is delivered to' })
  instanceId!: string;
  @ApiProperty({ enum: Object.keys(ACTIONS) }) action!: OutboxAction;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The command's payload (a ticket draft, a note's text, …)",
  })
  payload!: Record<string, unknown>;
  @ApiProperty() idempotencyKey!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) incidentId!: string | null;
  @ApiProperty({ enum: ['pending', 'delivering', 'delivered', 'dead', 'discarded'] })
  status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty() maxAttempts!: number;
  @ApiProperty({ type: String, format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The replica delivering it' })
  leaseOwner!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) leaseUntil!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What the tool answered (e.g. the ticket id)',
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
}

export class OutboxListDto {
  @ApiProperty({ type: [OutboxMessageDto], description: 'Newest first' })
  items!: OutboxMessageDto[];
}
