import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../entities/api-token.entity';

/** An API token as listed: never its secret, only the first characters to recognise it. */
export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'rmm-script' }) name!: string;
  @ApiProperty({ example: 'sb_1a2b', description: 'The first 7 characters of the secret' })
  prefix!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Set for a client-scoped token',
  })
  clientId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenDto], description: 'Oldest first, revoked ones included' })
  items!: TokenDto[];
}

/** POST /api/v1/tokens: the token with its secret, shown this once (only its hash is kept). */
export class IssuedTokenDto extends TokenDto {
  @ApiProperty({ example: 'sb_1a2b3c…', description: 'The bearer secret, shown once' })
  token!: string;
}
