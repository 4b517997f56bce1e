/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild `plugins`).
 *
 * slimSdkSchemas: each AWS SDK v3 client registers every modeled error class of its service
 * at load time (SSM: 141, CodeCommit: 200+), so none of them can be tree-shaken: about 70 KB per
 * large client, parsed and evaluated on every cold start. Herald reads SDK errors by `name` only
 * (never `instanceof`). Without the registrations the SDK throws its service base exception with
 * the same `name`, `message` and `$metadata` (see @aws-sdk/core ProtocolLib
 * getErrorSchemaOrThrowBaseException), and the unused classes fall out of the bundle. The base
 * exception's own registration (`_s_registry`) is kept. If the SDK's generated code changes shape,
 * the pattern stops matching and the bundle is simply larger again (`npm run bench` shows it).
 *
 * It also writes computed keys made of the file's own string constants (`{ [_xN]: … }`) as the
 * literal keys they stand for: esbuild must assume a computed key may have side effects, so it
 * would otherwise keep every schema of the service. Together: 430 KB → 281 KB for `codebuild`.
 * test/build-tools/esbuild-plugins.test.ts proves a slimmed client still parses answers and errors.
 */
const { readFile } = require('node:fs/promises');

const SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/;
const MODELED_ERROR = /^(?!_s_registry\.)\w+_registry\.registerError\((\w+)\$, \1\);\r?\n/gm;

const STRING_CONSTANT = /^const (_\w+) = ("[^"\\]*");$/gm;
const COMPUTED_KEY = /\[(_\w+)\]:/g;

function slimSchemas(source) {
  const constants = new Map();
  for (const [, name, value] of source.matchAll(STRING_CONSTANT)) constants.set(name, value);
  return (
    source
      .replace(MODELED_ERROR, '')
      // `{ [_xN]: … }` looks impure to esbuild (a computed key), which keeps every schema alive;
      // with the constant's literal value as the key, unused schemas can be dropped.
      .replace(COMPUTED_KEY, (match, name) => (constants.has(name) ? `${constants.get(name)}:` : match))
  );
}

const slimSdkSchemas = {
  name: 'slim-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: SCHEMAS }, async (args) => ({
      contents: slimSchemas(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/**
 * noEventStreams: `@smithy/core/event-streams` (the event stream codec and marshallers, about
 * 15 KB) comes in with every client's protocol and CloudWatch Logs' configuration, though Herald
 * calls no streaming operation; no-event-streams.js keeps the names they import and fails any use.
 * An SDK that imports another name from it fails the build ("No matching export"), not a Lambda.
 */
const noEventStreams = {
  name: 'no-event-streams',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => ({
      path: require.resolve('./no-event-streams.js'),
    }));
  },
};

/**
 * packageVersionOnly: the SDK clients and Slack's clients import their whole package.json (1.5–2.4
 * KB each, seven or more per bundle) for its name and version, which go into the User-Agent.
 * Only those two fields are bundled.
 */
const PACKAGE_JSON = /[\\/]node_modules[\\/].+[\\/]package\.json$/;

const packageVersionOnly = {
  name: 'package-version-only',
  setup(build) {
    build.onLoad({ filter: PACKAGE_JSON }, async (args) => {
      const { name, version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

/**
 * regionNamesOut: the SDK's partition table names every region in words (`"description": "Europe
 * (Ireland)"`, about 2 KB) that nothing reads: endpoint rules read a partition's outputs and
 * whether a region is in it. The names go, the regions stay. A table of another shape is left as
 * it is (the bundle is only larger).
 */
const PARTITIONS =
  /[\\/]@aws-sdk[\\/]core[\\/]dist-es[\\/]submodules[\\/]client[\\/]util-endpoints[\\/]lib[\\/]aws[\\/]partitions\.js$/;
const REGION_NAME = /\{\s*"description": "[^"\\]*"\s*\}/g;

const regionNamesOut = {
  name: 'region-names-out',
  setup(build) {
    build.onLoad({ filter: PARTITIONS }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(REGION_NAME, '{}'),
      loader: 'js',
    }));
  },
};

/**
 * notInLambda: code that nothing Herald runs on Lambda reaches (Slack file uploads and streaming,
 * the SDK's JavaScript SHA-256 and its instance-metadata region lookup), each replaced by a stand-in
 * that fails saying so (not-in-lambda.js). Every stand-in must be used: a file the SDK or Slack's
 * client moved fails the build (test/build-tools/esbuild-plugins.test.ts checks the bundle).
 */
const { STAND_INS } = require('./not-in-lambda.js');

const notInLambda = {
  name: 'not-in-lambda',
  setup(build) {
    for (const { file, contents, loader } of STAND_INS)
      build.onLoad({ filter: file }, () => ({ contents, loader }));
  },
};

/**
 * slackMethodsUsed: `@slack/web-api`'s WebClient binds every Web API method at construction (about
 * 250 of them, 14 KB); Herald calls those of `chat` and `usergroups` (the manifest's scopes:
 * test/build-tools/slack-manifest.test.ts). The other namespaces are left out of the class. A
 * methods.js whose shape changed, or without one of the kept namespaces, fails the build.
 */
const SLACK_NAMESPACES = ['chat', 'usergroups'];
const NAMESPACE_START = /^ {4}(\w+) = \{$/;
const NAMESPACE_END = /^ {4}\};$/;

function keepSlackNamespaces(source, keep = SLACK_NAMESPACES) {
  const out = [];
  const found = new Set();
  let dropping = false;
  for (const line of source.split('\n')) {
    const start = NAMESPACE_START.exec(line);
    if (start && !dropping) {
      found.add(start[1]);
      dropping = !keep.includes(start[1]);
      if (dropping) continue;
    }
    if (dropping) {
      if (NAMESPACE_END.test(line)) dropping = false;
      continue;
    }
    out.push(line);
  }
  const missing = keep.filter((name) => !found.has(name));
  if (found.size < 10 || missing.length > 0)
    throw new Error(
      `@slack/web-api's methods.js has changed shape (namespaces missing: ${missing.join(', ') || 'most'}): update build-tools/esbuild-plugins.js`,
    );
  return out.join('\n');
}

const slackMethodsUsed = {
  name: 'slack-methods-used',
  setup(build) {
    build.onLoad({ filter: /[\\/]@slack[\\/]web-api[\\/]dist[\\/]methods\.js$/ }, async (args) => ({
      contents: keepSlackNamespaces(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

module.exports = [
  slimSdkSchemas,
  slackMethodsUsed,
  noEventStreams,
  packageVersionOnly,
  regionNamesOut,
  notInLambda,
];
module.exports.slimSchemas = slimSchemas;
module.exports.keepSlackNamespaces = keepSlackNamespaces;
module.exports.SLACK_NAMESPACES = SLACK_NAMESPACES;
