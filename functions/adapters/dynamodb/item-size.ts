import { TooLargeError } from '../../domain/errors';

/** DynamoDB refuses an item larger than this (names and values together). */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * An item's size as DynamoDB counts it ("Item sizes and formats" in its Developer Guide): each
 * attribute name and string in UTF-8 bytes, a number 1 byte per two significant digits plus 1, a
 * boolean or null 1 byte, a map or list 3 bytes plus 1 per element. `undefined` values are dropped
 * by the marshaller (`removeUndefinedValues`) and count nothing.
 *
 * @example
 * dynamoItemSize({ pk: 'RELEASE#x', title: 'Hello' }); // 2 + 9 + 5 + 5 = 21
 */
export function dynamoItemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/[^0-9]/g, '').replace(/^0+|0+$/g, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value) || value instanceof Set) {
    let size = 3;
    for (const element of value) if (element !== undefined) size += 1 + valueSize(element);
    return size;
  }
  if (typeof value === 'object') return 3 + Object.keys(value as object).length + dynamoItemSize(value as Record<string, unknown>);
  return 0;
}

/**
 * Refuses an item DynamoDB would refuse, before sending it: the local stand-in (dynalite) stores any
 * size, and on AWS the refusal would surface as a 500 rather than as something the caller can fix.
 *
 * @throws TooLargeError naming `what` and both sizes.
 */
export function assertItemFits(item: Record<string, unknown>, what: string): void {
  const size = dynamoItemSize(item);
  if (size > MAX_ITEM_BYTES) {
    throw new TooLargeError(`The ${what} would take ${Math.ceil(size / 1024)} KB in the table; DynamoDB keeps at most ${MAX_ITEM_BYTES / 1024} KB per item.`);
  }
}
