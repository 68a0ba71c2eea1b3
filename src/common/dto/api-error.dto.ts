import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The body of every error answer: the HTTP status, a short code, and what was wrong. A 400 from
 * body validation lists one message per bad field; other errors carry one sentence.
 */
export class ApiErrorDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiPropertyOptional({
    example: 'Not Found',
    description:
      "The status in words ('Bad Request', 'Not Found') or a code ('malformed', 'invalid', 'unauthorized', 'unavailable', 'unsupported-media-type')",
  })
  error?: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'incident 6f1c… not found',
    description: 'What was wrong, naming the field; a list when several body fields are invalid',
  })
  message!: string | string[];
}
