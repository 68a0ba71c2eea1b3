import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { RollbackModule } from '../rollback/rollback.module';
import { ConsoleController } from './console.controller';

/** The pages a person opens from a link in an alert or a ticket. */
@Module({ imports: [AccessModule, RollbackModule], controllers: [ConsoleController] })
export class ConsoleModule {}
