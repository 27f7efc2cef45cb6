import { ChangeSetEventV1 } from './change-set-event.v1';

/** `cppo.changeset.succeeded.v1` */
export class ChangeSetSucceededV1 extends ChangeSetEventV1 {}
