import { Duration } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { FileFolder, FunctionSpec } from '../functions/runtime/function-specs';

export interface FilesProps {
  /** Origins whose pages may PUT an upload or GET a download from a browser (the public URL's). */
  browserOrigins: string[];
}

/** How long an import or export file is kept: long enough to fetch, short for a file of personal data. */
export const FILE_RETENTION_DAYS = 7;

/**
 * The bucket of staff's files: CSV imports uploaded through pre-signed URLs (`imports/`) and list
 * exports written for download (`exports/`). Private, encrypted, TLS only, and emptied after
 * {@link FILE_RETENTION_DAYS}: these files hold subscribers' addresses.
 */
export class Files extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: FilesProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(FILE_RETENTION_DAYS) },
        // An upload that never completed still bills its parts: drop them after a day.
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      cors: props.browserOrigins.length
        ? [{ allowedOrigins: props.browserOrigins, allowedMethods: [HttpMethods.PUT, HttpMethods.GET], allowedHeaders: ['content-type'], maxAge: 3600 }]
        : undefined,
    });
  }

  /**
   * Grants the file access a function declares (function-specs.ts `files`), folder by folder:
   * reads are GetObject (HeadObject is authorised as GetObject), writes PutObject (which also covers
   * each step of a multipart upload) and AbortMultipartUpload, so an upload that fails can clean up.
   */
  grant(grantee: IGrantable, files: NonNullable<FunctionSpec['files']>): void {
    const objects = (folders: readonly FileFolder[]) => folders.map((folder) => this.bucket.arnForObjects(`${folder}/*`));
    if (files.read?.length) {
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: objects(files.read) }));
    }
    if (files.write?.length) {
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: objects(files.write) }));
    }
  }
}
