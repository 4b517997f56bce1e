/** @type {import('jest').Config} */
const tsJest = [
  'ts-jest',
  { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true, allowJs: true } },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': tsJest,
    // middy 6 ships ESM only; Jest on Node 20 needs it as CommonJS.
    '/node_modules/@middy/.+\\.js$': tsJest,
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
  testTimeout: 20000,
};
