import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AwsServiceEnv } from '@cppo/runtime';
import { AwsGateway } from '../aws-gateway';
import { OrgAwsAccess } from '../org-aws-access';

/** One file of a Seller Data Delivery Service bucket. */
export interface SddsObject {
  key: string;
  /** Changes whenever AWS rewrites the file (a day's rows appended to its month). */
  etag: string;
  size: number;
}

/**
 * The org's Seller Data Delivery Service bucket, read with the org's AWS access (its role, or the
 * deployment's credentials): list the feed files, stream one. S3 itself (or `SDDS_S3_ENDPOINT`, a local S3).
 */
@Injectable()
export class SddsGateway extends AwsGateway<S3Client> {
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(
      env,
      access,
      (options) =>
        new S3Client({
          region: options.region ?? 'us-east-1',
          credentials: options.credentials,
          maxAttempts: options.maxAttempts,
          // the Marketplace endpoint override is not S3's; a local S3 answers on paths, not host names
          endpoint: env.SDDS_S3_ENDPOINT,
          forcePathStyle: !!env.SDDS_S3_ENDPOINT,
        }),
    );
  }

  /** Every object under `prefix` (all pages). */
  async list(orgId: string, bucket: string, prefix: string): Promise<SddsObject[]> {
    const found: SddsObject[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.call(orgId, 'ListObjectsV2', (client) =>
        client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken }),
        ),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) found.push({ key: o.Key, etag: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 });
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return found;
  }

  /** The object's body as a stream (never held whole in memory). */
  async open(orgId: string, bucket: string, object: SddsObject): Promise<Readable> {
    const answer = await this.call(orgId, 'GetObject', (client) =>
      client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key })),
    );
    return answer.Body as Readable;
  }
}
