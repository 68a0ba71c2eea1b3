import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../access/entities/api-token.entity';
import { TokenService } from '../access/token.service';
import { AuditService } from '../audit/audit.service';
import { EnvError, loadEnv } from '../config/env';
import { openDatabase } from '../database/open-database';

const USAGE = `usage:
  npm run token -- create --name NAME --role viewer|operator|admin [--client CLIENT_ID]
  npm run token -- revoke TOKEN_ID
  npm run token -- list
(with the embedded database, stop the service first: PGlite allows one process.)`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string' }, client: { type: 'string' } },
  });
  const [command, arg] = positionals;
  if (!['create', 'revoke', 'list'].includes(command ?? '')) throw new UsageError(USAGE);
  if (command === 'create' && (!values.name || !ROLES.includes(values.role as Role))) {
    throw new UsageError(`--name and --role (${ROLES.join(', ')}) are required\n${USAGE}`);
  }
  if (command === 'revoke' && !arg) throw new UsageError(`the token id is required\n${USAGE}`);

  const db = await openDatabase(loadEnv());
  try {
    const tokens = new TokenService(db.dataSource);
    const audit = new AuditService(db.dataSource);
    const cli = {
      tokenId: null,
      name: `cli:${process.env.USER ?? 'unknown'}`,
      role: 'admin' as const,
      clientId: null,
    };
    if (command === 'create') {
      const { token, secret } = await tokens.issue({
        name: values.name!,
        role: values.role as Role,
        clientId: values.client ?? null,
      });
      await audit.record(cli, {
        action: 'token.create',
        targetType: 'token',
        targetId: token.id,
        detail: { name: token.name, role: token.role, clientId: token.clientId },
      });
      process.stdout.write(
        `id:    ${token.id}\nrole:  ${token.role}${token.clientId ? ` (client ${token.clientId})` : ''}\ntoken: ${secret}\n(shown once)\n`,
      );
    } else if (command === 'revoke') {
      if (!(await tokens.revoke(arg))) throw new UsageError(`no active token ${arg}`);
      await audit.record(cli, { action: 'token.revoke', targetType: 'token', targetId: arg });
      process.stdout.write(`revoked ${arg}\n`);
    } else {
      for (const t of await tokens.list()) {
        process.stdout.write(
          `${t.id}  ${t.prefix}…  ${t.role.padEnd(8)}  ${t.revokedAt ? 'revoked' : 'active '}  ${t.name}${t.clientId ? `  client=${t.clientId}` : ''}\n`,
        );
      }
    }
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

main().catch((err) => {
  process.stderr.write(
    err instanceof EnvError || err instanceof UsageError
      ? `${err.message}\n`
      : `token failed: ${(err as Error).message}\n`,
  );
  process.exit(err instanceof UsageError ? 2 : 1);
});
