import { readConfig } from '../../../shared/lambda/config';

describe('readConfig', () => {
  it('reads the run-time contract', () => {
    expect(
      readConfig({
        AWS_REGION: 'eu-west-1',
        HERALD_STAGE: 'prod',
        SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/services/T/B/x',
        SLACK_SIGNING_SECRET: 'local-signing-secret',
      }),
    ).toEqual({
      region: 'eu-west-1',
      stage: 'prod',
      webhookOverride: 'http://127.0.0.1:9/services/T/B/x',
      signingSecretOverride: 'local-signing-secret',
      stateTable: undefined,
      deliveryLogDisabled: false,
      inLambda: false,
    });
  });

  it('knows when it runs inside Lambda', () => {
    expect(
      readConfig({
        AWS_REGION: 'eu-west-1',
        HERALD_STAGE: 'prod',
        AWS_LAMBDA_FUNCTION_NAME: 'herald-prod-ecs',
      }).inLambda,
    ).toBe(true);
  });

  it('takes a fixed clock for local runs only', () => {
    const base = { AWS_REGION: 'eu-west-1', HERALD_STAGE: 'stage', HERALD_CLOCK: '2026-11-20T15:00:00Z' };
    expect(readConfig(base).clock).toBe(Date.parse('2026-11-20T15:00:00Z'));
    expect(() => readConfig({ ...base, AWS_LAMBDA_FUNCTION_NAME: 'herald-prod-codebuild' })).toThrow(
      'HERALD_CLOCK is for local runs only',
    );
    expect(() => readConfig({ ...base, HERALD_CLOCK: 'yesterday' })).toThrow('HERALD_CLOCK');
  });

  it('reads the deployed watch defaults, and refuses what serverless.yml would not set', () => {
    const base = { AWS_REGION: 'eu-west-1', HERALD_STAGE: 'stage' };

    expect(readConfig({ ...base, HERALD_WATCH: '{"pipelines":["checkout-pipeline"]}' }).watch).toEqual({
      pipelines: ['checkout-pipeline'],
    });
    expect(readConfig(base).watch).toBeUndefined();
    expect(() => readConfig({ ...base, HERALD_WATCH: '{"pipelines":"checkout"}' })).toThrow(
      'HERALD_WATCH is not the watch lists serverless.yml sets',
    );
    expect(() => readConfig({ ...base, HERALD_WATCH: 'checkout' })).toThrow('HERALD_WATCH');
  });

  it('treats empty variables as unset', () => {
    expect(
      readConfig({ AWS_REGION: 'eu-west-1', HERALD_STAGE: 'stage', SLACK_WEBHOOK_URL: '' }).webhookOverride,
    ).toBeUndefined();
  });

  it('names every missing or invalid variable, never their values', () => {
    expect(() => readConfig({ SLACK_WEBHOOK_URL: 'not a url with secret-bits' })).toThrow(
      'Invalid or missing environment variable(s): AWS_REGION, HERALD_STAGE, SLACK_WEBHOOK_URL',
    );
    expect(() => readConfig({ SLACK_WEBHOOK_URL: 'not a url with secret-bits' })).not.toThrow(/secret-bits/);
  });
});
