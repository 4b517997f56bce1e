/**
 * One CloudWatch alarm per function of Herald: any error in five minutes (an invocation that
 * failed: Lambda retries it, then keeps the event in the failed-events queue), to the alarm topic.
 * resources/herald-alarms.yml reads each as `${file(./build-tools/alarms.js):<function key>}`.
 */
const logicalId = (key) => `${key[0].toUpperCase()}${key.slice(1)}LambdaFunction`;

function errorsAlarm(key) {
  return async ({ resolveVariable }) => {
    const service = await resolveVariable('self:service');
    const stage = await resolveVariable('sls:stage');
    return {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${service}-${stage}-${key}-errors`,
        AlarmDescription: `The ${key} function failed (its log group says why); Lambda retries, then keeps the event for npm run redrive -- --stage ${stage}.`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(key) } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      },
    };
  };
}

module.exports = Object.fromEntries(
  [
    'codebuild',
    'codecommit',
    'codedeploy',
    'codepipeline',
    'ecs',
    'approvalRequest',
    'metrics',
    'slackActions',
  ].map((key) => [key, errorsAlarm(key)]),
);
