import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError } from '../../domain/errors';
import type { StaffFiles } from '../../domain/subscriber/ports';

/**
 * Staff's files (CSV imports and exports) in the S3 bucket the stack creates. Uploads and downloads
 * go straight between staff and S3 through pre-signed URLs, so no file passes through API Gateway
 * (10 MB) or a Lambda response (6 MB).
 *
 * The client must be built with `requestChecksumCalculation: 'WHEN_REQUIRED'`: by default the SDK
 * signs the CRC32 of the (empty) body it was given into a pre-signed upload URL, and S3 then refuses
 * every real file with BadDigest (aws-sdk-js-v3 ≥ 3.729).
 *
 * @example
 * const files = new S3StaffFiles(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }), 'pressroom-files-abc');
 * const url = await files.uploadUrl('imports/imp-1.csv', 900);
 */
export class S3StaffFiles implements StaffFiles {
  constructor(private readonly client: S3Client, private readonly bucket: string) {}

  async open(key: string): Promise<Readable> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return object.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey) throw new NotFoundError(`No file ${key}`);
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  uploadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }

  downloadUrl(key: string, filename: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      // The browser saves the file under its own name, as text it will not try to render.
      ResponseContentDisposition: `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      ResponseContentType: 'text/csv; charset=utf-8',
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  /**
   * Writes a body of any length: lib-storage sends it as one PutObject when small and as a
   * multipart upload of 5 MiB parts otherwise, holding a few parts in memory at a time.
   */
  async put(key: string, body: Readable | string | Buffer, contentType: string): Promise<void> {
    await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType } }).done();
  }
}
