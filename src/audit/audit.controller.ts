import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  async list(
    @Query('limit', new WholeNumberPipe('limit', 100)) limit: number,
    @Query('before') before?: string,
  ) {
    if (before !== undefined && !/^\d{1,18}$/.test(before))
      throw new BadRequestException('before: must be an audit entry id (digits)');
    return { items: await this.audit.list(Math.min(Math.max(limit, 1), 500), before) };
  }
}
