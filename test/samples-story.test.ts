/**
 * The sample events (and the AWS answers recorded beside them) are one team's one day: the same
 * commit always has the same message, a task definition revision always runs the same image, and
 * a deployment to an environment deploys that environment's task definition. A sample edited
 * alone would tell a second story, and the preview would show messages that contradict each other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EVENTS = join(__dirname, '..', 'events');

interface Found {
  file: string;
  value: Record<string, unknown>;
}

/** Every object in a sample, JSON carried in strings (SNS messages) included. */
function objects(value: unknown, file: string, out: Found[] = []): Found[] {
  if (typeof value === 'string' && value.trimStart().startsWith('{')) {
    try {
      objects(JSON.parse(value), file, out);
    } catch {
      // Not JSON after all: plain text.
    }
  } else if (Array.isArray(value)) {
    for (const item of value) objects(item, file, out);
  } else if (value && typeof value === 'object') {
    out.push({ file, value: value as Record<string, unknown> });
    for (const item of Object.values(value)) objects(item, file, out);
  }
  return out;
}

const found = readdirSync(EVENTS).flatMap((source) =>
  readdirSync(join(EVENTS, source))
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) =>
      objects(JSON.parse(readFileSync(join(EVENTS, source, file), 'utf8')), `${source}/${file}`),
    ),
);

/** key → the distinct values seen for it, with where. */
function seen(pairs: Array<[string, string, string]>): Map<string, Map<string, string[]>> {
  const map = new Map<string, Map<string, string[]>>();
  for (const [key, value, file] of pairs) {
    const values = map.get(key) ?? new Map<string, string[]>();
    values.set(value, [...(values.get(value) ?? []), file]);
    map.set(key, values);
  }
  return map;
}

function contradictions(map: Map<string, Map<string, string[]>>): string[] {
  return [...map]
    .filter(([, values]) => values.size > 1)
    .map(
      ([key, values]) =>
        `${key}: ${[...values].map(([v, files]) => `${v} (${files.join(', ')})`).join(' vs ')}`,
    );
}

describe('the samples tell one story', () => {
  it('gives each commit one message', () => {
    const commits = seen(
      found.flatMap(({ file, value }) =>
        typeof value.commitId === 'string' && typeof value.message === 'string'
          ? [[value.commitId, value.message.trim(), file] as [string, string, string]]
          : [],
      ),
    );

    expect(commits.size).toBeGreaterThan(3);
    expect(contradictions(commits)).toEqual([]);
  });

  it('runs one image per task definition revision', () => {
    const images = seen(
      found.flatMap(({ file, value }) => {
        const arn = value.taskDefinitionArn;
        if (typeof arn !== 'string') return [];
        const containers = (value.containerDefinitions ?? value.containers) as
          | Array<{ name?: string; image?: string }>
          | undefined;
        return (containers ?? [])
          .filter((c) => c.image)
          .map(
            (c) => [`${arn.split('/').pop()} ${c.name}`, String(c.image), file] as [string, string, string],
          );
      }),
    );

    expect(images.size).toBeGreaterThan(2);
    expect(contradictions(images)).toEqual([]);
  });

  it('deploys to each environment a task definition of that environment', () => {
    const deployments = found.filter(
      ({ value }) => typeof value.deploymentGroupName === 'string' && typeof value.deploymentId === 'string',
    );
    const mismatched: string[] = [];
    let checked = 0;
    for (const { file, value } of deployments) {
      const environment = /-(stage|prod)$/.exec(String(value.deploymentGroupName))?.[1];
      const families = [...JSON.stringify(value).matchAll(/task-definition\/([a-z0-9-]+):\d+/g)].map(
        (m) => m[1],
      );
      const recorded = file.endsWith('.aws.json')
        ? [...readFileSync(join(EVENTS, file), 'utf8').matchAll(/task-definition\/([a-z0-9-]+):\d+/g)].map(
            (m) => m[1],
          )
        : [];
      for (const family of [...families, ...recorded]) {
        checked += 1;
        if (environment && !family?.endsWith(`-${environment}`))
          mismatched.push(`${file}: ${String(value.deploymentGroupName)} deploys ${family}`);
      }
    }

    expect(checked).toBeGreaterThan(5);
    expect(mismatched).toEqual([]);
  });
});
