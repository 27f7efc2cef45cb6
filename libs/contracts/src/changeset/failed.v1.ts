import { ChangeSetEventV1 } from './change-set-event.v1';

/** `cppo.changeset.failed.v1` */
export class ChangeSetFailedV1 extends ChangeSetEventV1 {}
