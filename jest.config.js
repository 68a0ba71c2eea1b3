/**
 * Pure unit tests once; the vendor stand-ins (each beside its connector, in
 * connectors/<vendor>/stand-in/, composed by demo/) with the real connectors; database tests
 * against real PostgreSQL and PGlite.
 */
const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

/**
 * Specs against real vendor tools run when their setup script has exported where they are
 * (test/real/<tool>/setup.sh prints the variables; .ci/run sources them).
 */
const REAL_TOOLS = [
  { name: 'real-zabbix', dir: 'zabbix', env: 'ZABBIX_URL' },
  { name: 'real-alertmanager', dir: 'alertmanager', env: 'ALERTMANAGER_URL' },
  { name: 'real-request-tracker', dir: 'request-tracker', env: 'RT_URL' },
];
const realTools = REAL_TOOLS.filter((t) => process.env[t.env]).map((t) => ({
  ...base,
  displayName: t.name,
  testMatch: [`<rootDir>/test/real/${t.dir}/*.real-spec.ts`],
}));

module.exports = {
  testTimeout: 60000,
  projects: [
    ...realTools,
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/connectors/**/*.spec.ts',
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
      // The stand-ins' specs serve real HTTP: they are the demo project's, not run twice.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/connectors/[^/]+/stand-in/'],
      setupFilesAfterEnv: ['<rootDir>/test/support/nock-isolation.ts'],
    },
    {
      ...base,
      displayName: 'demo',
      testMatch: ['<rootDir>/demo/**/*.spec.ts', '<rootDir>/connectors/*/stand-in/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'postgres',
      testMatch: [
        '<rootDir>/test/**/*.e2e-spec.ts',
        '<rootDir>/test/**/*.pg-spec.ts',
        '<rootDir>/test/browser/*.browser-spec.ts',
      ],
      setupFiles: ['<rootDir>/test/support/use-postgres.ts'],
    },
    {
      ...base,
      displayName: 'embedded',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/browser/*.browser-spec.ts'],
      setupFiles: ['<rootDir>/test/support/use-embedded.ts'],
    },
  ],
};
