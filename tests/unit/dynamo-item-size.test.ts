import { describe, expect, it } from 'vitest';
import { dynamoItemSize } from '../../functions/adapters/dynamodb/item-size';

/** Sizes as DynamoDB counts them (Developer Guide, "Item sizes and formats"). */
describe('dynamoItemSize', () => {
  it('counts attribute names and string values in UTF-8 bytes', () => {
    expect(dynamoItemSize({ pk: 'ab' })).toBe(4);
    expect(dynamoItemSize({ título: '€' })).toBe(7 + 3);
  });

  it('counts 3 bytes per map or list and 1 per element, nested names included', () => {
    expect(dynamoItemSize({ m: {} })).toBe(1 + 3);
    expect(dynamoItemSize({ m: { a: 'b' } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(dynamoItemSize({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
  });

  it('counts numbers by significant digits, booleans and nulls as 1, and skips undefined', () => {
    expect(dynamoItemSize({ n: 12345 })).toBe(1 + 1 + 3);
    expect(dynamoItemSize({ b: true, z: null, u: undefined })).toBe(2 + 2);
  });
});
