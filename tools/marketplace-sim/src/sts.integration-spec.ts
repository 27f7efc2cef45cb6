import { DescribeEntityCommand } from '@aws-sdk/client-marketplace-catalog';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { createCatalogClient } from '@cppo/marketplace';
import { ISV, OTHER_ISV, PRODUCT, startHarness, type Harness } from './testing/harness';

const OTHER_PRODUCT = 'prod-othervendor001';

describe('marketplace-sim: STS AssumeRole (real SDK credential provider)', () => {
  let h: Harness;
  const made: { destroy(): void }[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    made.forEach((client) => client.destroy());
    await h.close();
  });

  /** A Catalog client acting through `roleArn`, as CPPO Hub does for an org with an IAM role. */
  const asRole = (roleArn: string, externalId: string | undefined) => {
    const client = createCatalogClient({
      endpoint: h.sim.url,
      maxAttempts: 1,
      credentials: fromTemporaryCredentials({
        params: { RoleArn: roleArn, ExternalId: externalId, RoleSessionName: 'cppo-hub-test' },
        masterCredentials: { accessKeyId: 'deployment', secretAccessKey: 'x' },
        clientConfig: { region: 'us-east-1', endpoint: h.sim.url },
      }),
    });
    made.push(client);
    return client;
  };
  const describe_ = (client: ReturnType<typeof asRole>, id: string) =>
    client.send(new DescribeEntityCommand({ Catalog: 'AWSMarketplace', EntityId: id }));

  it("acts as the role's account: its own products, not another seller's", async () => {
    const other = asRole(`arn:aws:iam::${OTHER_ISV}:role/CppoHub`, 'any');
    expect((await describe_(other, OTHER_PRODUCT)).EntityArn).toContain(`:${OTHER_ISV}:`);
    await expect(describe_(other, PRODUCT)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const acme = asRole(`arn:aws:iam::${ISV}:role/CppoHub`, 'any');
    expect((await describe_(acme, PRODUCT)).EntityArn).toContain(`:${ISV}:`);
  });

  it('requires the external id a role was registered with, and refuses roles outside the sellers', async () => {
    const roleArn = `arn:aws:iam::${OTHER_ISV}:role/Guarded`;
    expect((await h.scenario('PUT', '/_sim/roles', { roleArn, externalId: 'right-id' })).status).toBe(200);
    await expect(describe_(asRole(roleArn, 'wrong-id'), OTHER_PRODUCT)).rejects.toThrow(
      /not authorized to perform: sts:AssumeRole/,
    );
    await expect(describe_(asRole(roleArn, undefined), OTHER_PRODUCT)).rejects.toThrow(
      /not authorized to perform: sts:AssumeRole/,
    );
    expect((await describe_(asRole(roleArn, 'right-id'), OTHER_PRODUCT)).EntityArn).toContain(OTHER_ISV);
    await expect(
      describe_(asRole('arn:aws:iam::999999999999:role/CppoHub', 'any-id'), OTHER_PRODUCT),
    ).rejects.toThrow(/not authorized to perform: sts:AssumeRole/);
  });

  it("an accessDenied fault on AssumeRole: STS's AccessDenied, until the rule is removed", async () => {
    await h.scenario('PUT', '/_sim/faults', { rules: [{ operation: 'AssumeRole', type: 'accessDenied' }] });
    try {
      await expect(
        describe_(asRole(`arn:aws:iam::${ISV}:role/CppoHub`, 'any'), PRODUCT),
      ).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringMatching(/sts:AssumeRole/),
      });
    } finally {
      await h.scenario('DELETE', '/_sim/faults');
    }
    expect((await describe_(asRole(`arn:aws:iam::${ISV}:role/CppoHub`, 'any'), PRODUCT)).EntityArn).toContain(
      ISV,
    );
  });

  it('refuses a session key it never issued', async () => {
    const forged = createCatalogClient({
      endpoint: h.sim.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'ASIAFORGED00000000', secretAccessKey: 'x', sessionToken: 'y' },
    });
    made.push(forged);
    await expect(describe_(forged, OTHER_PRODUCT)).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });
});
