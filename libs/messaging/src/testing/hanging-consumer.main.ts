/**
 * A consumer process for the "killed before ack" test: prints `received <messageId>` and never finishes
 * the handler, so the message stays unacked until the process is killed.
 */
import { startRecordingConsumer } from './start-consumer';
import { RecordingController } from './recording.controller';

RecordingController.behaviour = async (delivery) => {
  process.stdout.write(`received ${delivery.envelope.messageId}\n`);
  await new Promise(() => undefined);
};

void startRecordingConsumer(JSON.parse(process.argv[2])).then(() => process.stdout.write('listening\n'));
