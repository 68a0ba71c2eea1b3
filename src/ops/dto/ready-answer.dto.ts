import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** GET /ready when the database answers and every migration is applied. */
export class ReadyAnswerDto {
  @ApiProperty({ enum: ['ready'] })
  status!: 'ready';

  @ApiProperty({ enum: ['ok'] })
  database!: 'ok';

  @ApiProperty({ example: 0, description: 'Always 0 when ready' })
  pendingMigrations!: number;
}

/** GET /ready's 503: the database does not answer (within 2 s), or migrations are pending. */
export class NotReadyAnswerDto {
  @ApiProperty({ enum: ['unavailable'] })
  status!: 'unavailable';

  @ApiProperty({
    example: 'no answer within 2000 ms',
    description: "'ok', 'unreachable', or 'no answer within 2000 ms'",
  })
  database!: string;

  @ApiPropertyOptional({ description: 'Migrations not applied yet, when the database answers' })
  pendingMigrations?: number;
}
