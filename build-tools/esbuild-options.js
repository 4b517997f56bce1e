/**
 * The one place the Lambda bundles' esbuild settings live: serverless.yml reads `serverless`
 * (serverless-esbuild's `custom.esbuild`), the benchmark and the plugin test use `api` (esbuild's
 * own build API) so that what they measure is built exactly like what is deployed.
 */
const plugins = require('./esbuild-plugins.js');

/**
 * Credential providers that Lambda never reaches: the SDK tries the environment (where Lambda puts
 * the function's credentials) first and imports these lazily, only when that fails. Left out of
 * the bundle (about 90 KB), they resolve from the SDK in the nodejs22.x runtime if ever needed.
 */
const exclude = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@smithy/credential-provider-imds',
];

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'node22',
  platform: 'node',
  format: 'cjs',
  // ESM entry points first, so esbuild can drop what the SDK and Powertools do not use.
  mainFields: ['module', 'main'],
};

module.exports = {
  // A function of sls's variables: the stage's routing file, checked, goes in as a constant.
  serverless: async (variables) => ({
    ...common,
    define: await require('./check-routing.js').precheckedDefine(variables),
    exclude,
    packager: 'npm',
    keepOutputDirectory: false,
    plugins: './build-tools/esbuild-plugins.js',
  }),
  api: { ...common, external: exclude, plugins },
};
