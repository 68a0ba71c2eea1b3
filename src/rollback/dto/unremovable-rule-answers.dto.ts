import { ApiProperty } from '@nestjs/swagger';

/** A patch a rollback must not try to remove: built in, or added by a person. */
export class UnremovableRuleViewDto {
  @ApiProperty({ example: 'servicing-stack', description: 'A name (built in) or a UUID' })
  id!: string;
  @ApiProperty({
    enum: ['patch-id', 'title'],
    description: 'patch-id: the KB equals the pattern; title: the title contains it',
  })
  match!: string;
  @ApiProperty({ example: 'Servicing Stack Update' }) pattern!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'Built in: cannot be removed' }) builtIn!: boolean;
}

export class UnremovableRuleListDto {
  @ApiProperty({ type: [UnremovableRuleViewDto], description: 'Built-in ones first' })
  items!: UnremovableRuleViewDto[];
  @ApiProperty() total!: number;
}
