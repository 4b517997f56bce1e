import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SECRET_CACHE_SECONDS, ssmParameterReader } from '../../../shared/aws/secrets';
import { resetForTests } from '../../../shared/lambda/container';

const ssm = mockClient(SSMClient);

beforeEach(() => {
  ssm.reset();
  resetForTests();
});

describe('ssmParameterReader', () => {
  it('reads a SecureString decrypted, once for concurrent asks and for five minutes', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'https://example.invalid/hook' } });
    let now = 1_000_000;
    const read = ssmParameterReader(new SSMClient({}), () => now);

    const [a, b] = await Promise.all([read('/herald/x/a'), read('/herald/x/a')]);
    now += (SECRET_CACHE_SECONDS - 1) * 1000;
    const c = await read('/herald/x/a');

    expect([a, b, c]).toEqual([
      'https://example.invalid/hook',
      'https://example.invalid/hook',
      'https://example.invalid/hook',
    ]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/herald/x/a', WithDecryption: true });
  });

  it('reads again once the five minutes are over', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'v' } });
    let now = 0;
    const read = ssmParameterReader(new SSMClient({}), () => now);

    await read('/p');
    now += SECRET_CACHE_SECONDS * 1000 + 1;
    await read('/p');

    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('does not remember a failed read', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ Parameter: { Value: 'v' } });
    const read = ssmParameterReader(new SSMClient({}));

    await expect(read('/p')).rejects.toThrow('slow down');
    await expect(read('/p')).resolves.toBe('v');
  });
});
