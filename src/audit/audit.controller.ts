import { Controller, Get, ParseIntPipe, DefaultValuePipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireRole, UnscopedOnly } from '../access/principal';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
@RequireRole('admin')
@UnscopedOnly()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
    @Query('before') before?: string,
  ) {
    return { items: await this.audit.list(Math.min(Math.max(limit, 1), 500), before) };
  }
}
