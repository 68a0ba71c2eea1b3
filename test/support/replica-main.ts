import 'reflect-metadata';
import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { ensureAdminToken } from '../../src/access/bootstrap-admin';
import { TokenService } from '../../src/access/token.service';
import { createApp } from '../../src/app.factory';
import { loadEnv } from '../../src/config/env';
import { openDatabase } from '../../src/database/open-database';
import { FAKE_TOOLS } from './fake-tools';
import { probeConnector } from './probe-connector';

/** A full Switchboard process with the probe connector registered (replica tests). */
async function main(): Promise<void> {
  const env = loadEnv();
  const db = await openDatabase(env);
  const app = await createApp({
    config: db.config,
    dataSource: db.dataSource,
    definitions: [...CONNECTOR_DEFINITIONS, probeConnector, ...FAKE_TOOLS],
  });
  await ensureAdminToken(app.get(TokenService), env);
  process.once(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => db.close())
        .then(() => process.exit(0)),
  );
  await app.listen(env.PORT, '127.0.0.1');
  process.stdout.write(`ready ${env.PORT}\n`);
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
