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
import { getConfig } from '../config';

const requestHandler = { requestTimeout: 3000, connectionTimeout: 1000 };

function options() {
  return { region: getConfig().region, maxAttempts: 2, requestHandler };
}

let codeBuild: CodeBuildClient | undefined;
let logs: CloudWatchLogsClient | undefined;
let ssm: SSMClient | undefined;
let codeCommit: CodeCommitClient | undefined;
let codeDeploy: CodeDeployClient | undefined;
let ecs: ECSClient | undefined;
let codePipeline: CodePipelineClient | undefined;
let decisions: CodePipelineClient | undefined;
let dynamo: DynamoDBClient | undefined;

export function codeBuildClient(): CodeBuildClient {
  codeBuild ??= new CodeBuildClient(options());
  return codeBuild;
}

export function logsClient(): CloudWatchLogsClient {
  logs ??= new CloudWatchLogsClient(options());
  return logs;
}

export function codeCommitClient(): CodeCommitClient {
  codeCommit ??= new CodeCommitClient(options());
  return codeCommit;
}

export function codeDeployClient(): CodeDeployClient {
  codeDeploy ??= new CodeDeployClient(options());
  return codeDeploy;
}

export function ecsClient(): ECSClient {
  ecs ??= new ECSClient(options());
  return ecs;
}

export function codePipelineClient(): CodePipelineClient {
  codePipeline ??= new CodePipelineClient(options());
  return codePipeline;
}

/** For PutApprovalResult inside Slack's 3-second window: one try, short timeouts. */
export function codePipelineDecisionClient(): CodePipelineClient {
  decisions ??= new CodePipelineClient({
    region: getConfig().region,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 1800, connectionTimeout: 600 },
  });
  return decisions;
}

export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient(options());
  return dynamo;
}

export function ssmClient(): SSMClient {
  ssm ??= new SSMClient({ ...options(), maxAttempts: 3 });
  return ssm;
}

/** The error name an SDK call failed with (`AccessDeniedException`, `ThrottlingException`, …). */
export function awsErrorName(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return 'UnknownError';
}
