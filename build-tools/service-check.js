/**
 * `sls package -c service-pipeline.yml` (and deploy) refuses, in one line, a pipeline Herald would
 * never speak of: no `--param=service=…`, or a service whose names (repository <service>, build
 * project and application <service>-app, pipeline <service>-pipeline) are outside the watch lists
 * of Herald's stage (config/routing/<stage>.json `watch`). service-pipeline.yml reads it as
 * `${file(./build-tools/service-check.js):check}`.
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

const matches = (entry, name) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name);

/** What is wrong with packaging `service`'s pipeline next to Herald's `stage`; empty when nothing. */
function serviceProblems(service, stage, sourceProvider = 'CodeCommit', root = ROOT) {
  if (!service)
    return [
      'service-pipeline.yml needs the service: npx sls deploy -c service-pipeline.yml --stage <Herald\'s stage> --param="service=<name>"',
    ];
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(service))
    return [`service "${service}": lower-case letters, digits and "-", at most 41 characters`];
  const file = join(root, 'config', 'routing', `${stage}.json`);
  let watch = {};
  try {
    watch = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).watch ?? {}) : {};
  } catch {
    return [`config/routing/${stage}.json is not valid JSON: npm run check:config says where`];
  }
  const wanted = [
    ['pipelines', `${service}-pipeline`],
    ['applications', `${service}-app`],
    ['buildProjects', `${service}-app`],
    ...(sourceProvider === 'CodeCommit' ? [['repositories', service]] : []),
  ];
  const outside = wanted.filter(([list, name]) => !(watch[list] ?? []).some((entry) => matches(entry, name)));
  if (outside.length === 0) return [];
  const said = outside
    .map(([list, name]) => `${name} (watch.${list}: ${(watch[list] ?? []).join(', ') || 'none listed'})`)
    .join('; ');
  return [
    `service "${service}": Herald "${stage}" does not watch ${said}: add them to the watch lists of config/routing/${stage}.json and deploy Herald first, or its events would be refused`,
  ];
}

module.exports = {
  serviceProblems,
  check: async ({ options, resolveVariable }) => {
    const stage = options.stage ?? 'stage';
    const service = String(await resolveVariable('param:service'));
    const provider = String(await resolveVariable('param:sourceProvider'));
    const problems = serviceProblems(service, stage, provider);
    if (problems.length > 0) {
      const error = new Error(problems.join('\n'));
      error.stack = error.message;
      throw error;
    }
    return service;
  },
};
