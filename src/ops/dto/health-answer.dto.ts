import { ApiProperty } from '@nestjs/swagger';

/** GET /health: the process answers. */
export class HealthAnswerDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
