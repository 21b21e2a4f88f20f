import { describe, expect, it } from 'vitest';
import { memoizedListNames, StoredListNames } from '../../functions/domain/lists/list-names';
import { MemoryListStore } from '../helpers/fakes';

describe('list names', () => {
  it('are read from the list store, an unknown id answering itself', async () => {
    const names = new StoredListNames(new MemoryListStore([{ id: 'blog', name: 'Blog' }]));
    expect(await names.nameOf('blog')).toBe('Blog');
    expect(await names.nameOf('gone')).toBe('gone');
  });

  it('are read once per list for a batch, and a failed read is asked again', async () => {
    const reads: string[] = [];
    let failNext = true;
    const memo = memoizedListNames({
      async nameOf(id) {
        reads.push(id);
        if (id === 'flaky' && failNext) {
          failNext = false;
          throw new Error('throttled');
        }
        return id.toUpperCase();
      },
    });
    expect(await Promise.all([memo.nameOf('blog'), memo.nameOf('blog'), memo.nameOf('press')])).toEqual(['BLOG', 'BLOG', 'PRESS']);
    await expect(memo.nameOf('flaky')).rejects.toThrow('throttled');
    expect(await memo.nameOf('flaky')).toBe('FLAKY');
    expect(reads).toEqual(['blog', 'press', 'flaky', 'flaky']);
  });
});
