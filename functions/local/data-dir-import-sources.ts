import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError } from '../domain/errors';
import type { ImportSources } from '../domain/subscriber/ports';

/**
 * Import files for the local runner: a job's `sourceKey` names a file under `<dataDir>/imports/`
 * (S3 keys take its place on AWS). A key that would resolve outside that folder is refused, so a
 * job can only ever read what was uploaded for imports.
 *
 * @example
 * const sources = new DataDirImportSources(dataDir);
 * const stream = await sources.open('imp-1.csv');
 */
export class DataDirImportSources implements ImportSources {
  private readonly root: string;
  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'imports');
  }

  async open(key: string): Promise<Readable> {
    const path = resolve(join(this.root, key));
    const inside = relative(this.root, path);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) throw new NotFoundError(`No import file ${key}`);
    try {
      await access(path);
    } catch {
      throw new NotFoundError(`No import file ${key}`);
    }
    return createReadStream(path);
  }
}
