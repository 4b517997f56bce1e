/**
 * `sls package` / `sls deploy` say so while the params still hold the examples serverless.yml
 * ships (account 123456789012, the `my-service` repository): a stage that creates its pipeline
 * from them would deploy a pipeline that cannot work. Said once, with the fix; Herald alone
 * (`createPipeline: 'false'`) needs none of them. Read as `${file(./build-tools/examples.js):warn}`.
 */
const EXAMPLE_ACCOUNT = ':123456789012:';

/** The params that are still examples (by name), when this stage creates its pipeline. */
function exampleParams(params) {
  if (String(params.createPipeline) !== 'true') return [];
  const names = Object.entries(params)
    .filter(([, value]) => typeof value === 'string' && value.includes(EXAMPLE_ACCOUNT))
    .filter(([name]) => params.sourceProvider === 'CodeConnections' || name !== 'connectionArn')
    .map(([name]) => name);
  if (params.sourceRepository === 'my-service') names.push('sourceRepository');
  return names;
}

const ASKED = [
  'createPipeline',
  'sourceProvider',
  'sourceRepository',
  'connectionArn',
  'stageProdListenerArn',
  'stageTestListenerArn',
  'prodProdListenerArn',
  'prodTestListenerArn',
  'taskExecutionRoleArn',
  'taskRoleArn',
];

let said = false;

module.exports = {
  exampleParams,
  warn: async ({ resolveVariable }) => {
    const params = {};
    // Not caught: a param not resolved yet makes osls ask again once it is.
    for (const name of ASKED) params[name] = await resolveVariable(`param:${name}`);
    const names = exampleParams(params);
    if (names.length > 0 && !said) {
      said = true;
      const stage = await resolveVariable('sls:stage');
      console.warn(
        `Warning: the params still hold serverless.yml's examples (${names.join(', ')}): the pipeline of stage "${stage}" would not work. Set them (--param="name=value", or params.${stage} in serverless.yml), or deploy Herald alone with --param="createPipeline=false".`,
      );
    }
    return names.join(',');
  },
};
