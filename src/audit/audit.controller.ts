import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { AuditListDto } from './dto/audit-entry.dto';
import { RequireRole, UnscopedOnly } from '../access/principal';
import { AuditService } from './audit.service';
import { WholeNumberPipe } from '../common/query-pipes';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
@RequireRole('admin')
@UnscopedOnly()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first, paged by id' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 500, default 100' })
  @ApiQuery({
    name: 'before',
    required: false,
    type: String,
    description: 'Entries with a smaller id than this one (the last id of the previous page)',
  })
  @ApiOkResponse({ type: AuditListDto })
  @ApiErrors(400, 401, [403, 'Needs an admin token that is not client-scoped'])
  async list(
    @Query('limit', new WholeNumberPipe('limit', 100)) limit: number,
    @Query('before') before?: string,
  ) {
    if (before !== undefined && !/^\d{1,18}$/.test(before))
      throw new BadRequestException('before: must be an audit entry id (digits)');
    return { items: await this.audit.list(Math.min(Math.max(limit, 1), 500), before) };
  }
}
