/**
 * Console links, correct for the region and its partition (aws, aws-cn, aws-us-gov).
 * Pure: the region is an argument.
 */

export function consoleOrigin(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}

const enc = encodeURIComponent;

/** CloudWatch's console fragment encoding: URL-encode twice, then `%` becomes `$`. */
function cloudWatchFragment(value: string): string {
  return enc(enc(value)).replace(/%/g, '$');
}

export function codeBuildProjectUrl(region: string, account: string, project: string): string {
  return `${consoleOrigin(region)}/codesuite/codebuild/${account}/projects/${enc(project)}?region=${region}`;
}

/** `buildId` is `project:uuid` (the part after `build/` in the build ARN). */
export function codeBuildBuildUrl(region: string, account: string, project: string, buildId: string): string {
  return `${consoleOrigin(region)}/codesuite/codebuild/${account}/projects/${enc(project)}/build/${enc(buildId)}/?region=${region}`;
}

export function logStreamUrl(region: string, group: string, stream: string): string {
  return `${consoleOrigin(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${cloudWatchFragment(group)}/log-events/${cloudWatchFragment(stream)}`;
}

export function codeCommitCommitUrl(region: string, repository: string, commitId: string): string {
  return `${consoleOrigin(region)}/codesuite/codecommit/repositories/${enc(repository)}/commit/${enc(commitId)}?region=${region}`;
}

export function codeCommitRepositoryUrl(region: string, repository: string): string {
  return `${consoleOrigin(region)}/codesuite/codecommit/repositories/${enc(repository)}/browse?region=${region}`;
}

export function codePipelineUrl(region: string, pipeline: string): string {
  return `${consoleOrigin(region)}/codesuite/codepipeline/pipelines/${enc(pipeline)}/view?region=${region}`;
}

export function codeCommitReferenceUrl(region: string, repository: string, reference: string): string {
  return `${consoleOrigin(region)}/codesuite/codecommit/repositories/${enc(repository)}/browse/${reference.split('/').map(enc).join('/')}?region=${region}`;
}

export function codeCommitPullRequestUrl(region: string, repository: string, id: string): string {
  return `${consoleOrigin(region)}/codesuite/codecommit/repositories/${enc(repository)}/pull-requests/${enc(id)}/details?region=${region}`;
}

export function codeDeployDeploymentUrl(region: string, deploymentId: string): string {
  return `${consoleOrigin(region)}/codesuite/codedeploy/deployments/${enc(deploymentId)}?region=${region}`;
}

export function codeDeployGroupUrl(region: string, application: string, group: string): string {
  return `${consoleOrigin(region)}/codesuite/codedeploy/applications/${enc(application)}/deployment-groups/${enc(group)}?region=${region}`;
}

export function codePipelineExecutionUrl(region: string, pipeline: string, executionId: string): string {
  return `${consoleOrigin(region)}/codesuite/codepipeline/pipelines/${enc(pipeline)}/executions/${enc(executionId)}/timeline?region=${region}`;
}

export function ecsTaskUrl(region: string, cluster: string, taskId: string): string {
  return `${consoleOrigin(region)}/ecs/v2/clusters/${enc(cluster)}/tasks/${enc(taskId)}/configuration?region=${region}`;
}

export function ecsServiceUrl(region: string, cluster: string, service: string): string {
  return `${consoleOrigin(region)}/ecs/v2/clusters/${enc(cluster)}/services/${enc(service)}/health?region=${region}`;
}
