/**
 * One SDK client of each kind per container, created on first use. Clients honour
 * `AWS_ENDPOINT_URL` by themselves (the SDK reads it), so tests and local runs can point them at
 * a stand-in. Short timeouts and few retries: enrichment is optional and must not eat the budget.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { getConfig } from '../lambda/config';
import { once } from '../lambda/container';

const requestHandler = { requestTimeout: 3000, connectionTimeout: 1000 };

function options() {
  return { region: getConfig().region, maxAttempts: 2, requestHandler };
}

export const codeBuildClient = /* @__PURE__ */ once(() => new CodeBuildClient(options()));
export const logsClient = /* @__PURE__ */ once(() => new CloudWatchLogsClient(options()));
export const codeCommitClient = /* @__PURE__ */ once(() => new CodeCommitClient(options()));
export const codeDeployClient = /* @__PURE__ */ once(() => new CodeDeployClient(options()));
export const ecsClient = /* @__PURE__ */ once(() => new ECSClient(options()));
export const codePipelineClient = /* @__PURE__ */ once(() => new CodePipelineClient(options()));
export const dynamoClient = /* @__PURE__ */ once(() => new DynamoDBClient(options()));
export const ssmClient = /* @__PURE__ */ once(() => new SSMClient({ ...options(), maxAttempts: 3 }));

/** A client for a click, inside Slack's 3 seconds: one try, timeouts of its own. */
function decisionOptions(requestTimeout: number, connectionTimeout: number) {
  return {
    region: getConfig().region,
    maxAttempts: 1,
    requestHandler: { requestTimeout, connectionTimeout },
  };
}

/** PutApprovalResult. */
export const codePipelineDecisionClient = /* @__PURE__ */ once(
  () => new CodePipelineClient(decisionOptions(1800, 600)),
);

/** The bake-window buttons: each call is one of two or three in the click. */
export const codeDeployDecisionClient = /* @__PURE__ */ once(
  () => new CodeDeployClient(decisionOptions(900, 400)),
);

/** The error name an SDK call failed with (`AccessDeniedException`, `ThrottlingException`, …). */
export function awsErrorName(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return 'UnknownError';
}
