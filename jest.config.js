// One jest config for the repo. Projects split tests by cost:
//   unit         *.test.ts beside the code, no I/O
//   integration  *.int.test.ts, real PostgreSQL / RabbitMQ, one database + exchange per run
//   e2e          e2e/*.e2e.test.ts, the whole stack driven by real clients
const transform = { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] };
const moduleNameMapper = {
  '^@shop/(service-kit|events|bff|schema-tools)$': '<rootDir>/packages/$1/src/index.ts',
  '^@shop/(service-kit|events|bff)/(.*)$': '<rootDir>/packages/$1/src/$2',
};
const common = { transform, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,subgraphs,gateways,scripts}/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,subgraphs,gateways,scripts}/**/*.int.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
    },
  ],
};
