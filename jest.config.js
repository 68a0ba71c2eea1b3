/**
 * Pure unit tests once; the demo's vendor stand-ins with the real connectors; database tests
 * against real PostgreSQL and PGlite.
 */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/** Specs against real vendor tools run when their setup script has exported where they are. */
const realTools = process.env.ZABBIX_URL
  ? [
      {
        ...base,
        displayName: 'real-zabbix',
        testMatch: ['<rootDir>/test/real/zabbix/*.real-spec.ts'],
      },
    ]
  : [];

module.exports = {
  testTimeout: 60000,
  projects: [
    ...realTools,
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/connectors/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/nock-isolation.ts'],
    },
    {
      ...base,
      displayName: 'demo',
      testMatch: ['<rootDir>/demo/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'postgres',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.pg-spec.ts'],
      setupFiles: ['<rootDir>/test/support/use-postgres.ts'],
    },
    {
      ...base,
      displayName: 'embedded',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/use-embedded.ts'],
    },
  ],
};
