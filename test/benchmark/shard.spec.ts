import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShard, shardItems } from '../../benchmark/shard.js';

describe('parseShard', () => {
  it('reads k/n and deals items round-robin so the shards cover every item once', () => {
    assert.deepEqual(parseShard('2/3', {}), { index: 2, count: 3 });
    const items = Array.from({ length: 8 }, (_, id) => ({ id }));
    const shares = [1, 2, 3].map((index) => shardItems(items, { index, count: 3 }).map((i) => i.id));
    assert.deepEqual(shares, [[0, 3, 6], [1, 4, 7], [2, 5]]);
    assert.deepEqual(shares.flat().sort((a, b) => a - b), items.map((i) => i.id));
  });

  it('takes the index from the batch engine', () => {
    assert.deepEqual(parseShard('4', { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 4 });
    assert.deepEqual(parseShard('4', { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5' }), { index: 3, count: 4 });
    assert.deepEqual(parseShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }), { index: 3, count: 3 });
    assert.deepEqual(parseShard('2', { PLOTWRIGHT_SHARD_INDEX: '1' }), { index: 2, count: 2 });
  });

  it('says what is wrong in one sentence', () => {
    assert.throws(() => parseShard('5/4', {}), /out of range: k must be between 1 and n/);
    assert.throws(() => parseShard('0/4', {}), /out of range/);
    assert.throws(() => parseShard('4', {}), /needs the shard's index: set JOB_COMPLETION_INDEX/);
    assert.throws(() => parseShard('auto', {}), /SLURM_ARRAY_TASK_COUNT/);
    assert.throws(() => parseShard('half', {}), /must be k\/n/);
    assert.throws(() => parseShard('4', { JOB_COMPLETION_INDEX: '4' }), /out of range/);
  });
});
