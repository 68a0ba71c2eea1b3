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
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors';
import { CurrentPrincipal, RequireRole, UnscopedOnly, type Principal } from '../access/principal';
import { BlockedPatchesService } from './blocked-patches.service';
import {
  BlockPatchDto,
  DecideRollbackDto,
  RequestRollbackDto,
  RollbackPolicyDto,
  UnremovableRuleDto,
} from './dto/rollback.dto';
import {
  BlockedPatchDto,
  BlockedPatchListDto,
  RollbackPolicyAnswerDto,
} from './dto/client-patch-answers.dto';
import { RollbackDto, RollbackListDto } from './dto/rollback-answer.dto';
import { RollbackPlanAnswerDto, WaveRollbackAnswerDto } from './dto/rollback-request-answers.dto';
import { UnremovableRuleListDto, UnremovableRuleViewDto } from './dto/unremovable-rule-answers.dto';
import { RollbackRequestService } from './rollback-request.service';
import { UnremovableRulesService } from './unremovable-rules.service';

@ApiTags('rollback')
@ApiBearerAuth()
@Controller('api/v1')
@ApiErrors(401)
@ApiExtraModels(RollbackDto, RollbackPlanAnswerDto, WaveRollbackAnswerDto)
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
  @ApiCreatedResponse({
    description:
      'The rollback (refused ones included, with their reason; alreadyRequested when the same one is under way), the plan on a dry run, or on a patch wave one of those per device',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(RollbackDto) },
        { $ref: getSchemaPath(RollbackPlanAnswerDto) },
        { $ref: getSchemaPath(WaveRollbackAnswerDto) },
      ],
    },
  })
  @ApiErrors(
    [400, 'An invalid body, no patch suspect to roll back, or a wave with no device still failing'],
    [403, 'Needs an operator or admin token'],
    [404, 'No such incident'],
    415,
  )
  request(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RequestRollbackDto,
  ) {
    return this.rollbacks.request(who, id, body ?? {});
  }

  @Get('incidents/:id/rollbacks')
  @ApiOperation({ summary: "An incident's rollbacks, and for a wave its devices' ones" })
  @ApiOkResponse({ type: RollbackListDto })
  @ApiErrors(400, [404, 'No such incident'])
  forIncident(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.rollbacks.forIncident(who, id);
  }

  @Get('rollbacks/:id')
  @ApiOperation({ summary: 'One rollback with its pre-flight, steps, result and verification' })
  @ApiOkResponse({ type: RollbackDto })
  @ApiErrors(400, 404)
  get(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.rollbacks.get(who, id);
  }

  @Post('rollbacks/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'A second operator approves a rollback that waits for approval.' })
  @ApiOkResponse({ type: RollbackDto })
  @ApiErrors(
    400,
    [403, 'Needs an operator or admin token'],
    404,
    [409, 'The rollback does not wait for approval, or the approver asked for it'],
    415,
  )
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
  @ApiOkResponse({ type: RollbackDto })
  @ApiErrors(
    400,
    [403, 'Needs an operator or admin token'],
    404,
    [409, 'The rollback waits neither for approval nor for its device'],
    415,
  )
  reject(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DecideRollbackDto,
  ) {
    return this.rollbacks.decide(who, id, false, body?.note);
  }

  @Get('clients/:id/blocked-patches')
  @ApiOperation({ summary: 'The patches that must not come back for a client' })
  @ApiOkResponse({ type: BlockedPatchListDto })
  @ApiErrors(400, [404, 'No such client'])
  blockedPatches(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.blocked.list(who, id);
  }

  @Post('clients/:id/blocked-patches')
  @HttpCode(201)
  @ApiOperation({ summary: 'Block a patch for a client: readiness flags devices about to get it' })
  @ApiCreatedResponse({ type: BlockedPatchDto })
  @ApiErrors(
    400,
    [403, 'Needs an operator or admin token'],
    [404, 'No such client'],
    [409, 'Already blocked for this client'],
    415,
  )
  block(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: BlockPatchDto,
  ) {
    return this.blocked.block(who, id, body.patchId, body.reason);
  }

  @Delete('clients/:id/blocked-patches/:patchId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a patch for a client' })
  @ApiNoContentResponse({ description: 'Unblocked' })
  @ApiErrors(
    400,
    [403, 'Needs an operator or admin token'],
    [404, 'No such client, or the patch is not blocked for it'],
  )
  async unblock(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('patchId') patchId: string,
  ): Promise<void> {
    await this.blocked.unblock(who, id, patchId);
  }

  @Get('clients/:id/rollback-policy')
  @ApiOperation({ summary: "Whether a client's rollbacks wait for a second operator" })
  @ApiOkResponse({ type: RollbackPolicyAnswerDto })
  @ApiErrors(400, [404, 'No such client'])
  policy(@CurrentPrincipal() who: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.blocked.policy(who, id);
  }

  @Put('clients/:id/rollback-policy')
  @RequireRole('admin')
  @ApiOperation({ summary: "Set whether a client's rollbacks wait for a second operator" })
  @ApiOkResponse({ type: RollbackPolicyAnswerDto })
  @ApiErrors(400, [403, 'Needs an admin token'], [404, 'No such client'], 415)
  setPolicy(
    @CurrentPrincipal() who: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RollbackPolicyDto,
  ) {
    return this.blocked.setPolicy(who, id, body.requireApproval);
  }

  @Get('rollback/unremovable-rules')
  @ApiOperation({ summary: 'Patches a rollback never tries to remove: built-in and added rules' })
  @ApiOkResponse({ type: UnremovableRuleListDto })
  async unremovableRules() {
    const items = await this.rules.all();
    return { items, total: items.length };
  }

  @Post('rollback/unremovable-rules')
  @HttpCode(201)
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: 'Add a patch (by KB or title text) that rollbacks must never remove' })
  @ApiCreatedResponse({ type: UnremovableRuleViewDto })
  @ApiErrors(
    400,
    [403, 'Needs an admin token that is not client-scoped'],
    [409, 'The same rule exists'],
    415,
  )
  addRule(@CurrentPrincipal() who: Principal, @Body() body: UnremovableRuleDto) {
    return this.rules.add(who, body);
  }

  @Delete('rollback/unremovable-rules/:id')
  @HttpCode(204)
  @RequireRole('admin')
  @UnscopedOnly()
  @ApiOperation({ summary: 'Remove an added unremovable-patch rule' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors([403, 'Needs an admin token that is not client-scoped'], 404, [
    409,
    'A built-in rule cannot be removed',
  ])
  async removeRule(@CurrentPrincipal() who: Principal, @Param('id') id: string): Promise<void> {
    await this.rules.remove(who, id);
  }
}
