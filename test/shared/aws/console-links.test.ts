import { codeBuildBuildUrl, consoleOrigin, logStreamUrl } from '../../../shared/aws/console-links';

describe('console links', () => {
  it.each([
    ['eu-west-1', 'https://eu-west-1.console.aws.amazon.com'],
    ['cn-north-1', 'https://console.amazonaws.cn'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com'],
  ])('use the console of the partition of %s', (region, origin) => {
    expect(consoleOrigin(region)).toBe(origin);
  });

  it('encode the build id of a build link', () => {
    expect(codeBuildBuildUrl('us-east-1', '123456789012', 'my app', 'my app:1-2')).toBe(
      'https://us-east-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/my%20app/build/my%20app%3A1-2/?region=us-east-1',
    );
  });

  it('encode log group and stream the way the CloudWatch console expects', () => {
    expect(logStreamUrl('us-east-1', '/aws/codebuild/app', 'a/b c')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Fcodebuild$252Fapp/log-events/a$252Fb$2520c',
    );
  });
});
