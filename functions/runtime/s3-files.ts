/**
 * The files part (runtime/adapters.ts FunctionParts): staff's import and export files in S3. Only
 * functions that handle those files pass it, so only their bundles carry the S3 client, its
 * pre-signer and lib-storage's multipart upload.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3StaffFiles } from '../adapters/s3/staff-files';
import type { FilesFactory } from './adapters';

let client: S3Client | undefined;

// Checksums only where S3 requires them: the default signs the CRC32 of an empty body into every
// pre-signed upload URL, which S3 then refuses for any real file (see adapters/s3/staff-files.ts).
export const s3Files: FilesFactory = (bucket) =>
  new S3StaffFiles((client ??= new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' })), bucket);
