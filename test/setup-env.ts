// Every test runs offline with fake credentials; nothing may reach AWS or Slack.
process.env.AWS_REGION = 'eu-west-1';
process.env.HERALD_STAGE = 'stage';
process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTONLY';
process.env.AWS_SECRET_ACCESS_KEY = 'test-only-secret';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
delete process.env.SLACK_WEBHOOK_URL;
delete process.env.SLACK_SIGNING_SECRET;
delete process.env.AWS_ENDPOINT_URL;
delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
delete process.env.HERALD_STATE_TABLE;
delete process.env.SLACK_BOT_TOKEN;
delete process.env.SLACK_CHANNEL;
delete process.env.SLACK_API_URL;
delete process.env.AWS_PROFILE;
delete process.env.HERALD_CLOCK;
delete process.env.HERALD_CARD_SPACING_MS;
