import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ResolveIncidentDto {
  @ApiProperty({ example: 'Restarted MSSQLSERVER by hand; rollback not needed.' })
  @IsString()
  @Length(1, 2000)
  note!: string;
}
