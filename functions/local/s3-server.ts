import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface LocalS3Options {
  /** Objects live under `<dataDir>/<bucket>/<key>`, uploads in progress under `<dataDir>/.uploads/`. */
  dataDir: string;
  /** The buckets that exist; any other is `NoSuchBucket`. */
  buckets: string[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /** What the stand-in takes as now, for the expiry of pre-signed URLs. */
  now?: () => Date;
}

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an `S3Client` with `forcePathStyle: true`. */
  endpoint: string;
  close(): Promise<void>;
}

/** S3's own ceiling for a single PUT (5 GiB) is more than this machine needs; refuse past 1 GiB. */
const MAX_OBJECT_BYTES = 1024 ** 3;

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * A local Amazon S3 endpoint, path-style, for the staff file bucket (CSV imports and exports): the
 * object calls the AWS SDK makes for them (PutObject, GetObject, HeadObject, DeleteObject and the
 * multipart upload that @aws-sdk/lib-storage uses for large bodies), and pre-signed URLs used from
 * outside the SDK (curl, a browser). Objects are plain files in the data dir.
 *
 * What it checks as S3 does, because a mistake there breaks uploads on AWS: a pre-signed URL's
 * expiry (`X-Amz-Date` + `X-Amz-Expires`) and any checksum or Content-MD5 the URL or headers commit
 * to (an SDK that signs the CRC32 of an empty body into an upload URL fails here as it fails on S3).
 * What it does not: signatures and IAM (the IAM conformance test covers who may call what), ACLs,
 * versions, listing.
 *
 * @example
 * const s3 = await startLocalS3({ dataDir: join(dataDir, 's3'), buckets: ['pressroom-files'] });
 * const client = new S3Client({ ...LOCAL_CLIENT_CONFIG, endpoint: s3.endpoint, forcePathStyle: true });
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const root = resolve(options.dataDir);
  const now = options.now ?? (() => new Date());
  const buckets = new Set(options.buckets);
  await Promise.all(options.buckets.map((b) => mkdir(join(root, b), { recursive: true })));
  const uploads = join(root, '.uploads');
  await mkdir(uploads, { recursive: true });

  /** The file of `bucket/key`, refusing any key that would leave the bucket's folder. */
  const objectPath = (bucket: string, key: string) => {
    if (!buckets.has(bucket)) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const base = join(root, bucket);
    const path = resolve(base, key);
    const inside = relative(base, path);
    if (!key || !inside || inside.startsWith('..') || isAbsolute(inside)) throw new S3Error(400, 'InvalidArgument', 'Invalid object key');
    return path;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://s3.local');
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    checkPresignedExpiry(q, now());
    const method = req.method ?? 'GET';
    if (method === 'POST' && q.has('uploads')) return createMultipart(bucket, key, res);
    if (method === 'PUT' && q.has('uploadId')) return uploadPart(req, res, q);
    if (method === 'POST' && q.has('uploadId')) return completeMultipart(req, res, bucket, key, q.get('uploadId')!);
    if (method === 'DELETE' && q.has('uploadId')) {
      await rm(join(uploads, safeId(q.get('uploadId')!)), { recursive: true, force: true });
      return void res.writeHead(204).end();
    }
    const path = objectPath(bucket, key);
    if (method === 'PUT') {
      await mkdir(dirname(path), { recursive: true });
      const etag = await receive(req, path, expectedChecksums(req, q));
      return void res.writeHead(200, { etag: `"${etag}"` }).end();
    }
    if (method === 'DELETE') {
      await rm(path, { force: true });
      return void res.writeHead(204).end();
    }
    if (method === 'GET' || method === 'HEAD') {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) {
        if (method === 'HEAD') return void res.writeHead(404).end();
        throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      }
      const meta = await readFile(`${path}.meta`, 'utf8').then((t) => JSON.parse(t) as { etag: string }).catch(() => ({ etag: '' }));
      res.writeHead(200, {
        'content-length': String(info.size),
        'content-type': q.get('response-content-type') ?? 'application/octet-stream',
        ...(q.get('response-content-disposition') ? { 'content-disposition': q.get('response-content-disposition')! } : {}),
        'last-modified': info.mtime.toUTCString(),
        etag: `"${meta.etag}"`,
      });
      if (method === 'HEAD') return void res.end();
      await pipeline(createReadStream(path), res);
      return;
    }
    throw new S3Error(405, 'MethodNotAllowed', `The local S3 does not support ${method} here`);
  };

  const createMultipart = async (bucket: string, key: string, res: ServerResponse) => {
    objectPath(bucket, key);
    const id = randomUUID();
    await mkdir(join(uploads, id), { recursive: true });
    xml(res, 200, `<InitiateMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
  };
  const uploadPart = async (req: IncomingMessage, res: ServerResponse, q: URLSearchParams) => {
    const dir = join(uploads, safeId(q.get('uploadId')!));
    if (!(await stat(dir).catch(() => undefined))) throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
    const part = Number(q.get('partNumber'));
    if (!Number.isInteger(part) || part < 1 || part > 10_000) throw new S3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000');
    const etag = await receive(req, join(dir, String(part).padStart(5, '0')), expectedChecksums(req, q));
    res.writeHead(200, { etag: `"${etag}"` }).end();
  };
  const completeMultipart = async (req: IncomingMessage, res: ServerResponse, bucket: string, key: string, uploadId: string) => {
    const dir = join(uploads, safeId(uploadId));
    if (!(await stat(dir).catch(() => undefined))) throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
    const body = (await collect(req)).toString('utf8');
    const named = [...body.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => m[1].padStart(5, '0'));
    const parts = (await readdir(dir)).filter((f) => !f.endsWith('.meta')).sort();
    if (!named.length || named.some((p) => !parts.includes(p))) throw new S3Error(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
    const path = objectPath(bucket, key);
    await mkdir(dirname(path), { recursive: true });
    const hash = createHash('md5');
    const out = createWriteStream(`${path}.partial`);
    for (const p of named) {
      for await (const chunk of createReadStream(join(dir, p))) {
        hash.update(chunk as Buffer);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
    const etag = `${hash.digest('hex')}-${named.length}`;
    await rename(`${path}.partial`, path);
    await writeFile(`${path}.meta`, JSON.stringify({ etag }));
    await rm(dir, { recursive: true, force: true });
    xml(res, 200, `<CompleteMultipartUploadResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>"${etag}"</ETag></CompleteMultipartUploadResult>`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const e = error instanceof S3Error ? error : new S3Error(500, 'InternalError', String(error));
      if (res.headersSent) return void res.destroy();
      // Drain what the client is still sending, so that it reads the error rather than a reset.
      req.resume();
      xml(res, e.status, `<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error>`);
    });
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

const safeId = (id: string) => {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
  return id;
};

/** A pre-signed URL is refused once `X-Amz-Date` plus `X-Amz-Expires` seconds has passed, as S3 does. */
function checkPresignedExpiry(q: URLSearchParams, now: Date): void {
  const date = q.get('X-Amz-Date');
  const expires = q.get('X-Amz-Expires');
  if (!date || !expires) return;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (!m) throw new S3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format');
  const signedAt = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (now.getTime() > signedAt + Number(expires) * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
}

type Checksums = { md5?: string; crc32?: string; sha256?: string };

/** The digests a request commits its body to: Content-MD5, and x-amz-checksum-* in headers or (pre-signed) the query. */
function expectedChecksums(req: IncomingMessage, q: URLSearchParams): Checksums {
  if (req.headers['content-encoding']?.includes('aws-chunked')) {
    // Streaming uploads with trailing checksums: the SDK sends these only when a checksum is
    // calculated for every request; Pressroom's S3 clients calculate them when required only.
    throw new S3Error(501, 'NotImplemented', 'The local S3 does not read aws-chunked bodies: build the S3Client with requestChecksumCalculation "WHEN_REQUIRED"');
  }
  const pick = (name: string) => (req.headers[name] as string | undefined) ?? q.get(name) ?? q.get(name.replace(/(^|-)(\w)/g, (_, d, c: string) => d + c.toUpperCase())) ?? undefined;
  return { md5: pick('content-md5'), crc32: pick('x-amz-checksum-crc32'), sha256: pick('x-amz-checksum-sha256') };
}

/** Writes the body to `path` (through a temporary file), checks its digests, and returns its ETag (MD5 hex). */
async function receive(req: IncomingMessage, path: string, expected: Checksums): Promise<string> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let crc = 0xffffffff;
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > MAX_OBJECT_BYTES) return done(new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
      md5.update(chunk);
      sha256.update(chunk);
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const partial = `${path}.partial`;
  try {
    await pipeline(req, tap, createWriteStream(partial));
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const md5Bytes = md5.digest();
  const crcBytes = Buffer.alloc(4);
  crcBytes.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  const mismatch =
    (expected.md5 && expected.md5 !== md5Bytes.toString('base64')) ||
    (expected.crc32 && expected.crc32 !== crcBytes.toString('base64')) ||
    (expected.sha256 && expected.sha256 !== sha256.digest('base64'));
  if (mismatch) {
    await rm(partial, { force: true });
    throw new S3Error(400, 'BadDigest', 'The checksum you specified did not match what we received.');
  }
  await rename(partial, path);
  const etag = md5Bytes.toString('hex');
  await writeFile(`${path}.meta`, JSON.stringify({ etag }));
  return etag;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), running: pass the previous value, start from 0xffffffff, finish with `^ 0xffffffff`. */
function crc32(chunk: Buffer, crc: number): number {
  let c = crc;
  for (let i = 0; i < chunk.length; i++) c = CRC_TABLE[(c ^ chunk[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

async function collect(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
