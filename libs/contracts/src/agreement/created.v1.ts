import { AgreementEventV1 } from './agreement-event.v1';

/** `cppo.agreement.created.v1` */
export class AgreementCreatedV1 extends AgreementEventV1 {}
