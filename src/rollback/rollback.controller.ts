import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { BlockedPatchesService } from './blocked-patches.service';
import {
  BlockPatchDto,
  DecideRollbackDto,
  RequestRollbackDto,
  RollbackPolicyDto,
  UnremovableRuleDto,
} from './dto/rollback.dto';
import { RollbackRequestService } from './rollback-request.service';
import { UnremovableRulesService } from './unremovable-rules.service';

@ApiTags('rollback')
@ApiBearerAuth()
@Controller('api/v1')
export class RollbackController {
  constructor(
    private readonly rollbacks: RollbackRequestService,
    private readonly blocked: BlockedPatchesService,
    private readonly rules: UnremovableRulesService,
  ) {}

  @Post('incidents/:id/rollback')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Roll back the suspected patch through the RMM (one click); on a patch wave, one rollback per device. dryRun answers the plan only.',
  })
  request(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RequestRollbackDto,
  ) {
    return this.rollbacks.request(who, id, body ?? {});
  }

  @Get('incidents/:id/rollbacks')
  forIncident(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.rollbacks.forIncident(who, id);
  }

  @Get('rollbacks/:id')
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.rollbacks.get(who, id);
  }

  @Post('rollbacks/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'A second operator approves a rollback that waits for approval.' })
  approve(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DecideRollbackDto,
  ) {
    return this.rollbacks.decide(who, id, true, body?.note);
  }

  @Post('rollbacks/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refuse a rollback that waits for approval or for its device.' })
  reject(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DecideRollbackDto,
  ) {
    return this.rollbacks.decide(who, id, false, body?.note);
  }

  @Get('clients/:id/blocked-patches')
  blockedPatches(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.blocked.list(who, id);
  }

  @Post('clients/:id/blocked-patches')
  @HttpCode(201)
  block(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: BlockPatchDto,
  ) {
    return this.blocked.block(who, id, body.patchId, body.reason);
  }

  @Delete('clients/:id/blocked-patches/:patchId')
  @HttpCode(204)
  async unblock(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('patchId') patchId: string,
  ): Promise<void> {
    await this.blocked.unblock(who, id, patchId);
  }

  @Get('clients/:id/rollback-policy')
  policy(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.blocked.policy(who, id);
  }

  @Put('clients/:id/rollback-policy')
  @RequireRole('admin')
  setPolicy(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RollbackPolicyDto,
  ) {
    return this.blocked.setPolicy(who, id, body.requireApproval);
  }

  @Get('rollback/unremovable-rules')
  async unremovableRules() {
    const items = await this.rules.all();
    return { items, total: items.length };
  }

  @Post('rollback/unremovable-rules')
  @HttpCode(201)
  @RequireRole('admin')
  @UnscopedOnly()
  addRule(@CurrentPrincipal() who: Principal, @Body() body: UnremovableRuleDto) {
    return this.rules.add(who, body);
  }

  @Delete('rollback/unremovable-rules/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @UnscopedOnly()
  async removeRule(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<void> {
    await this.rules.remove(who, id);
  }
}
