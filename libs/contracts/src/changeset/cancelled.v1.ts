import { ChangeSetEventV1 } from './change-set-event.v1';

/** `cppo.changeset.cancelled.v1` */
export class ChangeSetCancelledV1 extends ChangeSetEventV1 {}
