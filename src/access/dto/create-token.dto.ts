import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ROLES, type Role } from '../entities/api-token.entity';

export class CreateTokenDto {
  @ApiProperty({ example: 'rmm-script' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    description: 'Scope the token to one client: it then sees only that client.',
  })
  @IsOptional()
  @IsUUID()
  clientId?: string;
}
