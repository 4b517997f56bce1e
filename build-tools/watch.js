/**
 * What one Herald watches, made once from the stage's routing file (`watch`, see
 * shared/routing/schema.ts) and serverless.yml's params (the single-service defaults), for every
 * place that needs it: the EventBridge rules' filters, the IAM resources of every role, and the
 * functions (`HERALD_WATCH`), which refuse what is outside the lists. An entry is a name, or a
 * prefix ending in `*`: a prefix becomes an EventBridge `prefix` filter and an IAM ARN wildcard,
 * a name stays exact. serverless.yml reads each export as `${file(./build-tools/watch.js):<name>}`.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

/** A routing file's content; undefined when it is not JSON (check-routing.js says so, in one line). */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The stage being packaged, its routing file's `watch` (check-routing.js has validated the file
 * already), and the lists in force: the file's, the params' single-service defaults for the rest
 * (`clusters` / `services` empty: every one).
 */
async function resolveWatch({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  const file = join(ROOT, 'config', 'routing', `${stage}.json`);
  const fromFile = existsSync(file) ? (readJson(file)?.watch ?? {}) : {};
  const param = (name) => resolveVariable(`param:${name}`);
  const lists = {
    repositories: fromFile.repositories ?? [await param('sourceRepository')],
    buildProjects: fromFile.buildProjects ?? [`${await param('buildProjectPrefix')}*`],
    pipelines: fromFile.pipelines ?? [await param('pipelineName')],
    applications: fromFile.applications ?? [await param('deployApplication')],
    clusters: fromFile.clusters ?? [],
    services: fromFile.services ?? [],
  };
  return { stage, fromFile, lists };
}

const isPrefix = (entry) => entry.endsWith('*');
const stem = (entry) => entry.slice(0, -1);

/** `arn:<partition>:<service>:<region>:<account>:<resource>` for CloudFormation. */
const arn = (service, resource) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
});

/** EventBridge: exact names as strings, prefixes as `{ prefix }`. */
const names = (entries) => entries.map((entry) => (isPrefix(entry) ? { prefix: stem(entry) } : entry));

/** EventBridge on ARNs: exact ARNs, or `{ prefix: <ARN up to the name prefix> }`. */
const arns = (entries, service, resource) =>
  entries.map((entry) =>
    isPrefix(entry) ? { prefix: arn(service, resource(stem(entry))) } : arn(service, resource(entry)),
  );

/** IAM: one ARN per entry, a prefix ending in `*` as IAM's own wildcard. */
const iam = (entries, service, resource) => entries.map((entry) => arn(service, resource(entry)));

let said = false;

/**
 * Said once at `sls package` / `sls deploy`: what this Herald watches. Herald's stage is where
 * Herald runs, not an environment of the application, and this line says so.
 */
function sayWhatIsWatched(stage, lists) {
  if (said || process.env.JEST_WORKER_ID) return;
  said = true;
  const show = (name, entries, all) => `${name} ${entries.length > 0 ? entries.join(', ') : all}`;
  console.log(
    `Herald "${stage}" (Herald's own stage, not an application environment) watches: ${[
      show('repositories', lists.repositories),
      show('build projects', lists.buildProjects),
      show('pipelines', lists.pipelines),
      show('applications', lists.applications),
      show('clusters', lists.clusters, 'all'),
      show('services', lists.services, 'all'),
    ].join('; ')}`,
  );
}

const exported = {
  /**
   * For the functions, `HERALD_WATCH`: the lists the routing file leaves to the defaults (the
   * functions read the others from the routing file they carry), so that a long watch list never
   * meets Lambda's 4 KB limit on environment variables.
   */
  environment: (lists, { stage, fromFile }) => {
    sayWhatIsWatched(stage, lists);
    return JSON.stringify(Object.fromEntries(Object.entries(lists).filter(([key]) => !(key in fromFile))));
  },
  // EventBridge filters
  buildProjectNames: (lists) => names(lists.buildProjects),
  repositoryArnPatterns: (lists) => arns(lists.repositories, 'codecommit', (name) => name),
  applicationNames: (lists) => names(lists.applications),
  pipelineNames: (lists) => names(lists.pipelines),
  clusterArnPatterns: (lists) =>
    lists.clusters.length === 0
      ? [{ exists: true }]
      : arns(lists.clusters, 'ecs', (name) => `cluster/${name}`),
  // IAM resources
  repositoryArns: (lists) => iam(lists.repositories, 'codecommit', (name) => name),
  buildProjectArns: (lists) => iam(lists.buildProjects, 'codebuild', (name) => `project/${name}`),
  buildLogArns: (lists) =>
    iam(lists.buildProjects, 'logs', (name) => `log-group:/aws/codebuild/${name}:log-stream:*`),
  pipelineArns: (lists) => iam(lists.pipelines, 'codepipeline', (name) => name),
  pipelineActionArns: (lists) => iam(lists.pipelines, 'codepipeline', (name) => `${name}/*`),
  deploymentGroupArns: (lists) =>
    iam(lists.applications, 'codedeploy', (name) => `deploymentgroup:${name}/*`),
};

module.exports = Object.fromEntries(
  Object.entries(exported).map(([key, make]) => [
    key,
    async (context) => {
      const watch = await resolveWatch(context);
      return make(watch.lists, watch);
    },
  ]),
);
