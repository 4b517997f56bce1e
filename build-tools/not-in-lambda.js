/**
 * What the Lambda bundles leave out because nothing Herald runs there reaches it, each replaced by
 * a stand-in that fails saying so if ever reached (esbuild-plugins.js, notInLambda):
 * - `@slack/web-api`'s file uploads (filesUploadV2) and message streaming (chatStream): Herald posts
 *   and updates messages only;
 * - the SDK's pure-JavaScript SHA-256, a fallback for runtimes without node:crypto (Node has it);
 * - the SDK's region lookup through the EC2 instance metadata service, for clients without a
 *   region (Lambda always sets AWS_REGION);
 * - the rate limiter of the SDK's `adaptive` retry mode (Herald's clients use the standard mode;
 *   AWS_RETRY_MODE=adaptive would fail at the first call, saying so);
 * - the SDK's S3 bucket rules for endpoints (Herald calls no S3);
 * - `@slack/webhook`'s WebhookTrigger (Workflow Builder triggers): Herald posts to incoming webhooks;
 * - the run-time part of `@slack/types`, which `@slack/web-api` re-exports: Herald imports its
 *   types only (`import type`), and its run-time part is two enums of message metadata;
 * - the DynamoDB client's endpoint discovery: no DynamoDB command uses it (none carries its
 *   plugin), so the cache its configuration makes is never read and its setting never asked; a
 *   command that did would fail saying so.
 */
const unavailable = (what) => () => {
  throw new Error(`${what} is not in this bundle (build-tools/not-in-lambda.js)`);
};

/**
 * A CommonJS module whose every export fails when called or constructed:
 * `require('./file-upload').getFileUploadJob(…)`, `new (require('./WebhookTrigger').WebhookTrigger)(…)`.
 */
const failingModule = (what) =>
  `module.exports = new Proxy({}, { get: (_, name) => name === '__esModule' ? false : function () { (${unavailable.toString()})(${JSON.stringify(what)})(); } });`;

/** Files (by the end of their path) and their stand-ins. */
const STAND_INS = [
  {
    file: /[\\/]@slack[\\/]web-api[\\/]dist[\\/]file-upload\.js$/,
    contents: failingModule('Slack file upload (filesUploadV2)'),
    loader: 'js',
  },
  {
    file: /[\\/]@slack[\\/]web-api[\\/]dist[\\/]chat-stream\.js$/,
    contents: failingModule('Slack message streaming (chatStream)'),
    loader: 'js',
  },
  {
    file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Js\.js$/,
    contents: `export class Sha256Js { constructor() { (${unavailable.toString()})('SHA-256 without node:crypto')(); } }`,
    loader: 'js',
  },
  {
    file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]retry[\\/]util-retry[\\/]DefaultRateLimiter\.js$/,
    contents: `export class DefaultRateLimiter { constructor() { (${unavailable.toString()})('the adaptive retry mode')(); } }`,
    loader: 'js',
  },
  {
    file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]config[\\/]config-resolver[\\/]regionConfig[\\/]getInstanceMetadataRegion\.js$/,
    contents: 'export const getInstanceMetadataRegion = async () => undefined;',
    loader: 'js',
  },
  {
    file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]endpoints[\\/]middleware-endpoint[\\/]service-customizations[\\/]s3\.js$/,
    contents: [
      `export const resolveParamsForS3 = async () => (${unavailable.toString()})('S3 endpoint rules')();`,
      'export const DOT_PATTERN = /\\./;',
      'export const S3_HOSTNAME_PATTERN = /^$/;',
      `export const isArnBucketName = () => (${unavailable.toString()})('S3 endpoint rules')();`,
      `export const isDnsCompatibleBucketName = () => (${unavailable.toString()})('S3 endpoint rules')();`,
    ].join('\n'),
    loader: 'js',
  },
  {
    file: /[\\/]@slack[\\/]webhook[\\/]dist[\\/]WebhookTrigger\.js$/,
    contents: failingModule('Slack workflow triggers (WebhookTrigger)'),
    loader: 'js',
  },
  {
    file: /[\\/]@slack[\\/]types[\\/]dist[\\/]index\.js$/,
    contents: 'module.exports = {};',
    loader: 'js',
  },
  {
    file: /[\\/]@aws-sdk[\\/]middleware-endpoint-discovery[\\/]dist-es[\\/]resolveEndpointDiscoveryConfig\.js$/,
    contents: [
      'export const resolveEndpointDiscoveryConfig = (input, { endpointDiscoveryCommandCtor }) => {',
      '  const { endpointDiscoveryEnabled, endpointDiscoveryEnabledProvider } = input;',
      '  return Object.defineProperty(Object.assign(input, {',
      '    endpointDiscoveryCommandCtor,',
      '    endpointDiscoveryEnabled: endpointDiscoveryEnabled !== undefined ? () => Promise.resolve(endpointDiscoveryEnabled) : endpointDiscoveryEnabledProvider,',
      '    isClientEndpointDiscoveryEnabled: endpointDiscoveryEnabled !== undefined,',
      `  }), 'endpointCache', { get: (${unavailable.toString()})('DynamoDB endpoint discovery') });`,
      '};',
    ].join('\n'),
    loader: 'js',
  },
  {
    file: /[\\/]@aws-sdk[\\/]middleware-endpoint-discovery[\\/]dist-es[\\/]configurations\.js$/,
    contents:
      'export const NODE_ENDPOINT_DISCOVERY_CONFIG_OPTIONS = { environmentVariableSelector: () => undefined, configFileSelector: () => undefined, default: undefined };',
    loader: 'js',
  },
];

module.exports = { STAND_INS };
