/**
 * Herald's one Slack app (config/slack-app-manifest.yml): the scopes of every Web API method the
 * code calls, and nothing more; interactivity on (the clicks) and incoming webhooks on (webhook mode).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** The bot scope each Web API method needs (api.slack.com's method pages). */
const SCOPE_OF: Record<string, string | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'usergroups.users.list': 'usergroups:read',
  // Public and private channels.
  'conversations.info': 'channels:read groups:read',
  'auth.test': undefined,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `chat.postMessage`, … as called in these folders' TypeScript. */
const callsIn = (dirs: string[]) =>
  new Set(
    dirs
      .flatMap((dir) => sources(join(ROOT, dir)))
      .flatMap((file) =>
        [
          ...readFileSync(file, 'utf8').matchAll(
            /\.(chat|usergroups|conversations|auth|users(?=\.(?:info|list|lookupByEmail|profile)))\.([a-zA-Z.]+)\(/g,
          ),
        ].map((m) => `${m[1]}.${m[2]}`),
      ),
  );

const manifest = parse(readFileSync(join(ROOT, 'config', 'slack-app-manifest.yml'), 'utf8'));
const called = callsIn(['shared', 'functions', 'tools']);
/** What the Lambda bundles call (tools/ run from the sources, with the whole client). */
const calledInLambda = callsIn(['shared', 'functions']);

describe("Herald's Slack app manifest", () => {
  it('asks for the scopes of the methods Herald calls, and no others', () => {
    const unknown = [...called].filter((method) => !(method in SCOPE_OF));
    const needed = new Set([...called].flatMap((method) => SCOPE_OF[method]?.split(' ') ?? []));

    expect(unknown).toEqual([]);
    expect([...called].sort()).toEqual(expect.arrayContaining(['chat.postMessage', 'chat.update']));
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('keeps every method Herald calls in the bundled WebClient (build-tools/esbuild-plugins.js)', () => {
    const { SLACK_NAMESPACES } = require('../../build-tools/esbuild-plugins.js') as {
      SLACK_NAMESPACES: string[];
    };

    expect(
      [...calledInLambda].filter((method) => !SLACK_NAMESPACES.includes(method.split('.')[0] ?? '')),
    ).toEqual([]);
  });

  it('turns on the clicks (interactivity, URL to replace) and incoming webhooks', () => {
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: expect.stringMatching(
        /^https:\/\/REPLACE-WITH-THE-SlackInteractivityUrl-OUTPUT\/slack\/actions$/,
      ),
    });
    expect(manifest.settings.incoming_webhooks).toEqual({ incoming_webhooks_enabled: true });
  });
});
