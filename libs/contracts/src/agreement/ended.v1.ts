import { AgreementEventV1 } from './agreement-event.v1';

/** `cppo.agreement.ended.v1` */
export class AgreementEndedV1 extends AgreementEventV1 {}
