import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../functions/domain/errors';
import { DataDirImportSources } from '../../functions/local/data-dir-import-sources';

const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-imports-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('local import files', () => {
  it('opens a key under the data dir\'s imports folder, and nothing outside it', async () => {
    mkdirSync(join(dataDir, 'imports'), { recursive: true });
    writeFileSync(join(dataDir, 'imports', 'imp-1.csv'), 'email,lists\nada@example.org,blog\n');
    writeFileSync(join(dataDir, 'dev-secrets.json'), '{}');
    const sources = new DataDirImportSources(dataDir);

    const chunks: Buffer[] = [];
    for await (const chunk of await sources.open('imp-1.csv')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('email,lists\nada@example.org,blog\n');

    for (const key of ['../dev-secrets.json', '/etc/passwd', '', 'missing.csv']) {
      await expect(sources.open(key)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
