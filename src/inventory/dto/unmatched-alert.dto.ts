import { ApiProperty } from '@nestjs/swagger';

/** An alert whose record names no device: kept per problem until a person maps it. */
export class UnmatchedAlertDto {
  @ApiProperty({ example: '17' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The connector instance that sent it' })
  instanceId!: string;
  @ApiProperty({ example: 'Prometheus' }) instanceName!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) clientId!: string | null;
  @ApiProperty({
    description: "The tool's problem id (`problem:…`), else what it is about (`about:…`)",
    example: 'problem:4f1c2a9e0b7d3c55',
  })
  problemKey!: string;
  @ApiProperty({ description: 'Health kind of the last event', example: 'check.failed' })
  kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Watchdog' }) subject!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'critical' }) severity!: string | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({
    description: 'Why no device was found, and what to change',
    example:
      'carries none of the device labels instance, host (its labels: alertname, severity); add one of its labels to deviceLabels, or the label to the alert rule',
  })
  reason!: string;
  @ApiProperty({ description: 'Firings seen for this problem', example: 1 }) occurrences!: number;
  @ApiProperty({ type: String, format: 'date-time' }) firstSeenAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the tool said it was over; null while open',
  })
  resolvedAt!: string | null;
}

export class UnmatchedAlertListDto {
  @ApiProperty({ type: [UnmatchedAlertDto], description: 'Last seen first' })
  items!: UnmatchedAlertDto[];
  @ApiProperty({ description: 'Alerts the filter selects, over every page' }) total!: number;
}
