import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../functions/local/s3-server';
import { LOCAL_CLIENT_CONFIG } from '../../functions/local/dynamo';
import { S3StaffFiles } from '../../functions/adapters/s3/staff-files';

/**
 * The local S3 stand-in through the real AWS SDK (and plain HTTP for pre-signed URLs, as curl or a
 * browser uses them): what staff's imports and exports need, and the two mistakes that would only
 * show on AWS (an expired link, a checksum signed into an upload URL).
 */
describe('local S3 stand-in', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-s3-'));
  let s3: LocalS3;
  let now = new Date();
  let client: S3Client;
  let files: S3StaffFiles;
  const text = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: 'files', Key: key }))).Body!.transformToString();

  beforeAll(async () => {
    s3 = await startLocalS3({ dataDir, buckets: ['files'], now: () => now });
    client = new S3Client({ ...LOCAL_CLIENT_CONFIG, endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    files = new S3StaffFiles(client, 'files');
  });
  afterAll(async () => {
    client.destroy();
    await s3.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores and reads objects; a missing one is NoSuchKey, or no size', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'files', Key: 'imports/a.csv', Body: 'email,lists\n' }));
    expect(await text('imports/a.csv')).toBe('email,lists\n');
    expect((await client.send(new HeadObjectCommand({ Bucket: 'files', Key: 'imports/a.csv' }))).ContentLength).toBe(12);
    await expect(client.send(new GetObjectCommand({ Bucket: 'files', Key: 'imports/none.csv' }))).rejects.toBeInstanceOf(NoSuchKey);
    expect(await files.size('imports/none.csv')).toBeUndefined();
    await expect(files.open('imports/none.csv')).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('writes a body of unknown length in parts (lib-storage multipart) and reads it back whole', async () => {
    const line = `${'x'.repeat(99)}\n`;
    const lines = 120_000; // 12 MB: three 5 MiB parts
    await files.put('exports/big.csv', Readable.from((function* () { for (let i = 0; i < lines; i++) yield line; })()), 'text/csv');
    expect(await files.size('exports/big.csv')).toBe(line.length * lines);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'files', Key: 'exports/big.csv' }));
    expect(head.ETag).toMatch(/-3"$/);
  });

  it('takes an upload through a pre-signed URL and serves a download link as an attachment', async () => {
    const url = await files.uploadUrl('imports/up.csv', 900);
    const put = await fetch(url, { method: 'PUT', body: 'email,lists\nada@example.org,blog\n' });
    expect(put.status).toBe(200);
    const download = await fetch(await files.downloadUrl('imports/up.csv', 'members list.csv', 900));
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="members_list.csv"');
    expect(await download.text()).toBe('email,lists\nada@example.org,blog\n');
  });

  it('refuses an upload link once it has expired', async () => {
    const url = await files.uploadUrl('imports/late.csv', 60);
    now = new Date(Date.now() + 61_000);
    try {
      const put = await fetch(url, { method: 'PUT', body: 'email,lists\n' });
      expect(put.status).toBe(403);
      expect(await put.text()).toContain('Request has expired');
    } finally {
      now = new Date();
    }
    expect(await files.size('imports/late.csv')).toBeUndefined();
  });

  it('refuses a file whose checksum differs from the one signed into its URL, as S3 does (the SDK default)', async () => {
    // Built with the SDK's defaults: it signs the CRC32 of the empty body it was given into the URL.
    const defaults = new S3Client({ ...LOCAL_CLIENT_CONFIG, endpoint: s3.endpoint, forcePathStyle: true });
    const url = await getSignedUrl(defaults, new PutObjectCommand({ Bucket: 'files', Key: 'imports/crc.csv' }), { expiresIn: 900 });
    defaults.destroy();
    expect(new URL(url).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    const put = await fetch(url, { method: 'PUT', body: 'email,lists\n' });
    expect(put.status).toBe(400);
    expect(await put.text()).toContain('BadDigest');
  });

  it('keeps keys inside their bucket', async () => {
    const put = await fetch(`${s3.endpoint}/files/..%2F..%2Fescape.txt`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(400);
    expect((await fetch(`${s3.endpoint}/other/a.csv`)).status).toBe(404);
  });
});
