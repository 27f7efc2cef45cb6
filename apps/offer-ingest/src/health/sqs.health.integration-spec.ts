import { startTestApp, type TestApp } from '@cppo/platform/testing';
import { startSqsEmulator, type SqsEmulator } from '@cppo/testing';
import { AppModule } from '../app.module';

describe('offer-ingest readiness includes SQS', () => {
  let sqs: SqsEmulator;
  let sut: TestApp;

  beforeAll(async () => {
    sqs = await startSqsEmulator({ queues: [{ name: 'notifications' }] });
    sut = await startTestApp(AppModule, {
      SQS_QUEUE_URL: sqs.queueUrl('notifications'),
      SQS_ENDPOINT: sqs.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });

  afterAll(async () => {
    await sut.close();
    await sqs.stop();
  });

  it('is ready with Mongo, RabbitMQ and the queue up, and 503 naming SQS when the queue is gone', async () => {
    const ready = await sut.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toEqual({
      mongo: { status: 'up' },
      rabbitmq: { status: 'up' },
      sqs: { status: 'up' },
    });

    await sqs.stop();
    const down = await sut.request('/health/ready');
    expect(down.status).toBe(503);
    expect(down.body.error.sqs.status).toBe('down');
    expect((await sut.request('/health/live')).status).toBe(200);
  });
});
