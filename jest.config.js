/** @type {import('jest').Config} */
const tsJest = [
  'ts-jest',
  { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true, allowJs: true } },
];

/** What every project shares. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': tsJest,
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  testTimeout: 20000,
};

/** Tests that read what `sls package` built (npm test packages first; a stale package fails clearly). */
const PACKAGED = [
  '/test/cfn/',
  '/test/build-tools/packaged-errors\\.test\\.ts$',
  '/test/functions/watch\\.test\\.ts$',
];
/** Every sample mutated leaf by leaf (about a minute and a half). */
const FUZZ = ['/test/fuzz\\.test\\.ts$'];

// `npx jest --selectProjects unit` is the quick loop; `npm test` runs every project.
module.exports = {
  testTimeout: 20000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...PACKAGED, ...FUZZ],
    },
    {
      ...common,
      displayName: 'packaged',
      testRegex: PACKAGED.map((path) => (path.endsWith('/') ? `${path}.*\\.test\\.ts$` : path)),
    },
    { ...common, displayName: 'fuzz', testRegex: FUZZ },
  ],
};
