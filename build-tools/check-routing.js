/**
 * `sls package` (and so `sls deploy`) checks the routing file of the stage it packages, before
 * anything is bundled: a missing file, a JSON syntax error (with line and column) or a schema
 * mistake fails in seconds with the reason, instead of an esbuild error that leaves sls hanging.
 * serverless.yml reads it as `${file(./build-tools/check-routing.js):check}`; the schema and its
 * messages are Herald's own (shared/routing/), compiled here in memory.
 */
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const ROOT = join(__dirname, '..');

let checker;

/** The routing schema and its wording, from the TypeScript sources (compiled once per process). */
function routingChecker() {
  checker ??= compileChecker();
  return checker;
}

function compileChecker() {
  const { outputFiles } = esbuild.buildSync({
    stdin: {
      contents:
        "export { checkRouting } from './shared/routing/check';\nexport { KNOWN_STAGES } from './shared/releases/state';\n",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
  });
  const compiled = new Module(join(ROOT, 'routing-check.js'));
  compiled.paths = Module._nodeModulePaths(ROOT);
  compiled._compile(outputFiles[0].text, join(ROOT, 'routing-check.js'));
  return compiled.exports;
}

/**
 * The problems of one routing file, in words; empty when it is valid. `root`: where config/ is.
 * `ownsPipeline`: the stage ships the pipeline (createPipeline), whose stage names rules must match.
 */
function checkRoutingFile(stage, root = ROOT, ownsPipeline = false) {
  return checkedRouting(stage, root, ownsPipeline).problems;
}

const checked = new Map();

/**
 * A stage's routing file checked: its problems in words, and (when it has none) the config as
 * checked, defaults filled in. One check per content of the file in a process: `sls package`
 * asks for both (the check, then the bundles' constant).
 */
function checkedRouting(stage, root = ROOT, ownsPipeline = false) {
  const relative = `config/routing/${stage}.json`;
  const file = join(root, relative);
  if (!/^[a-z0-9-]+$/.test(stage))
    return { problems: [`"${stage}" is not a stage name (lower-case letters, digits and "-")`] };
  if (!existsSync(file))
    return {
      problems: [
        `No routing config for stage "${stage}": add ${relative} (npm run init -- --stage ${stage} writes one)`,
      ],
    };
  const text = readFileSync(file, 'utf8');
  const key = JSON.stringify([stage, ownsPipeline, text]);
  if (!checked.has(key)) checked.set(key, checkText(text, relative, stage, ownsPipeline));
  return checked.get(key);
}

function checkText(text, relative, stage, ownsPipeline) {
  try {
    esbuild.transformSync(text, { loader: 'json', sourcefile: relative, logLevel: 'silent' });
  } catch (error) {
    const first = error.errors?.[0];
    const where = first?.location
      ? `${relative}:${first.location.line}:${first.location.column + 1}`
      : relative;
    return { problems: [`${where}: ${first?.text ?? 'not valid JSON'}`] };
  }
  const { checkRouting, KNOWN_STAGES } = routingChecker();
  const result = checkRouting(JSON.parse(text), {
    stage,
    ...(ownsPipeline ? { pipelineStages: KNOWN_STAGES } : {}),
  });
  return result.ok
    ? { problems: [], config: result.config }
    : { problems: result.problems.map((line) => `${relative}: ${line}`) };
}

/** Does this stage ship the pipeline (serverless.yml's `createPipeline` param, per stage or default)? */
function ownsPipeline(stage, root = ROOT) {
  const { parse } = require('yaml');
  const params = parse(readFileSync(join(root, 'serverless.yml'), 'utf8'))?.params ?? {};
  return String(params[stage]?.createPipeline ?? params.default?.createPipeline ?? 'true') === 'true';
}

/**
 * The stage's checked config (defaults filled in) as the bundles carry it: esbuild's `define` of
 * `process.env.HERALD_PRECHECKED_ROUTING` (shared/routing/load.ts), a JSON text.
 */
async function precheckedDefine({ options, resolveVariable }) {
  const stage = options.stage ?? 'stage';
  const owns = String(await resolveVariable('param:createPipeline')) === 'true';
  // An invalid file is said once, in one line, by `check` (custom.routingFile): nothing to carry.
  const { config } = checkedRouting(stage, ROOT, owns);
  if (!config) return {};
  return { 'process.env.HERALD_PRECHECKED_ROUTING': JSON.stringify(JSON.stringify({ stage, config })) };
}

module.exports = {
  checkRoutingFile,
  checkedRouting,
  ownsPipeline,
  precheckedDefine,
  check: async ({ options, resolveVariable }) => {
    const stage = options.stage ?? 'stage';
    const owns = String(await resolveVariable('param:createPipeline')) === 'true';
    const problems = checkRoutingFile(stage, ROOT, owns);
    if (problems.length > 0) {
      const error = new Error(`Invalid routing config:\n  ${problems.join('\n  ')}`);
      // The reason is the message: no stack trace after it.
      error.stack = error.message;
      throw error;
    }
    return `config/routing/${stage}.json`;
  },
};
