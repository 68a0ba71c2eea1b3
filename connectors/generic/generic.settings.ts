import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Describe } from '../contract/settings';

export class GenericSettings {
  @Describe('Client name used for events that name none.')
  @IsOptional()
  @IsString()
  @MaxLength(200)
  defaultClient?: string;
}
