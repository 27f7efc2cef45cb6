import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** Sends the bodies in SendMessageBatch calls of 10; throws if SQS refused any entry. */
export async function sendMessages(sqs: SQSClient, queueUrl: string, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const entries = bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody }));
    const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    if (result.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(result.Failed)}`);
  }
}

/** Messages in the queue, waiting or in flight (received, not yet deleted). */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes['ApproximateNumberOfMessages'] ?? 0) +
    Number(Attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0)
  );
}

/** One ReceiveMessage of up to 10, then one DeleteMessageBatch of what came; returns the messages. */
export async function receiveAndDelete(
  sqs: SQSClient,
  queueUrl: string,
  waitTimeSeconds = 0,
): Promise<Message[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: waitTimeSeconds,
    }),
  );
  if (Messages.length) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
  return Messages;
}

/** Receives and deletes (no long poll) until nothing is visible; returns how many. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<number> {
  let drained = 0;
  for (;;) {
    const messages = await receiveAndDelete(sqs, queueUrl);
    if (!messages.length) return drained;
    drained += messages.length;
  }
}
