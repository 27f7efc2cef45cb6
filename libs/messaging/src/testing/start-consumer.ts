import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { RoutingKeys } from '@cppo/contracts';
import { AmqpServer } from '../amqp.server';
import type { MessagingOptions } from '../messaging.options';
import { RpcErrorPassthroughFilter } from '../rpc-error.filter';
import { RecordingController } from './recording.controller';

/** Boots a Nest microservice consuming `<service>.test` with RecordingController, as an app would. */
export async function startRecordingConsumer(options: MessagingOptions): Promise<INestMicroservice> {
  const moduleRef = await Test.createTestingModule({ controllers: [RecordingController] }).compile();
  const app = moduleRef.createNestMicroservice({
    strategy: new AmqpServer({ ...options, purpose: 'test', subscriptions: [RoutingKeys.OfferLinked] }),
    logger: ['error'],
  });
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  return app;
}
