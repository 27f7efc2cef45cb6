import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes the first item at once and what arrives meanwhile together, answering each caller its own', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items.map((i) => `#${i}`);
    });
    const first = commit.add([1]);
    const second = commit.add([2, 3]);
    const third = commit.add([4]);
    release();
    expect(await first).toEqual(['#1']);
    expect(await second).toEqual(['#2', '#3']);
    expect(await third).toEqual(['#4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('a failed batch rejects its callers only; the next batch is written', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('broker gone');
      return items;
    });
    await expect(commit.add([1])).rejects.toThrow('broker gone');
    expect(await commit.add([2])).toEqual([2]);
    expect(await commit.add([])).toEqual([]);
  });

  it('caps a batch at max items', async () => {
    const sizes: number[] = [];
    let release: () => void = () => undefined;
    const commit = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      if (sizes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return items;
    }, 3);
    const all = [commit.add([0]), commit.add([1, 2, 3, 4, 5, 6, 7])];
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
