import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { AccessGuard } from './access.guard';
import { TokenService } from './token.service';
import { TokensController } from './tokens.controller';

/** Tokens, roles and the guard every route passes. */
@Module({
  imports: [AuditModule],
  controllers: [TokensController],
  providers: [TokenService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [TokenService],
})
export class AccessModule {}
