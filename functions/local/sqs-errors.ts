/**
 * An error the local SQS endpoint answers as SQS would. `code` is the JSON protocol's error shape
 * (`__type` is `com.amazonaws.sqs#<code>`, the class the SDK throws); `queryCode` is what the
 * `x-amzn-query-error` header carries, the older query-protocol code SQS still reports beside it
 * (the SDK puts it in `error.Code`).
 */
export class SqsError extends Error {
  override readonly name = 'SqsError';

  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly queryCode = code,
    readonly fault: 'Sender' | 'Receiver' = statusCode < 500 ? 'Sender' : 'Receiver',
  ) {
    super(message);
  }
}

export const queueDoesNotExist = (what: string) =>
  new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${what}`, 400, 'AWS.SimpleQueueService.NonExistentQueue');

export const invalidParameter = (message: string) => new SqsError('InvalidParameterValue', message, 400, 'InvalidParameterValue');

export const receiptHandleIsInvalid = (handle: string) =>
  new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
