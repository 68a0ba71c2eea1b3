import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

/** A KB number or an RMM's patch id: letters, digits, dots, dashes, underscores. */
const PATCH_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class RequestRollbackDto {
  @ApiPropertyOptional({
    example: 'KB5034441',
    description: 'The patch to remove; default: the confirmed suspect, else the top-ranked one.',
  })
  @IsOptional()
  @IsString()
  @Matches(PATCH_ID, { message: 'patchId must be a patch id such as KB5034441' })
  patchId?: string;

  @ApiPropertyOptional({
    description: 'Answer the plan and every pre-flight result; change nothing.',
  })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description: 'When the device is offline, wait (visibly) and run when the RMM reports it back.',
  })
  @IsOptional()
  @IsBoolean()
  whenOnline?: boolean;
}

export class DecideRollbackDto {
  @ApiPropertyOptional({ example: 'Change window is tonight; do it then.' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class RollbackPolicyDto {
  @ApiProperty({ description: 'Each rollback for this client waits for a second operator.' })
  @IsBoolean()
  requireApproval!: boolean;
}

export class BlockPatchDto {
  @ApiProperty({ example: 'KB5034441' })
  @IsString()
  @Matches(PATCH_ID, { message: 'patchId must be a patch id such as KB5034441' })
  patchId!: string;

  @ApiProperty({ example: 'Breaks the line-of-business app; vendor fix pending.' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class UnremovableRuleDto {
  @ApiProperty({ enum: ['patch-id', 'title'] })
  @IsIn(['patch-id', 'title'])
  match!: 'patch-id' | 'title';

  @ApiProperty({ example: 'KB5005112', description: 'A patch id, or text the title contains.' })
  @IsString()
  @Length(2, 200)
  pattern!: string;

  @ApiProperty({ example: 'servicing stack update shipped inside the cumulative update' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}
