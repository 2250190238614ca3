// One jest config for the repo. Projects split tests by cost:
//   unit         *.test.ts beside the code, no I/O
//   integration  *.int.test.ts, real PostgreSQL / RabbitMQ, one database + exchange per run
//   e2e          e2e/*.e2e.test.ts, the whole stack driven by real clients
const transform = { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] };
// @shop/* packages resolve through their package.json `exports` only (as Node resolves them),
// so a deep import of a file that is not an entry point fails in tests as it does at run time.
const { readdirSync, readFileSync } = require('node:fs');
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const moduleNameMapper = Object.fromEntries(
  ['packages', 'simulators'].flatMap((folder) =>
    readdirSync(`${__dirname}/${folder}`).flatMap((dir) => {
      const { name, exports } = JSON.parse(readFileSync(`${__dirname}/${folder}/${dir}/package.json`, 'utf8'));
      return Object.entries(exports).map(([subpath, target]) => [
        `^${escape(subpath === '.' ? name : `${name}${subpath.slice(1)}`)}$`,
        `<rootDir>/${folder}/${dir}/${target.slice(2)}`,
      ]);
    }),
  ),
);
const common = { transform, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,subgraphs,gateways,simulators,scripts,bench}/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,subgraphs,gateways,simulators,scripts,bench}/**/*.int.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
    },
  ],
};
