import { AgreementEventV1 } from './agreement-event.v1';

/** `cppo.agreement.amended.v1` */
export class AgreementAmendedV1 extends AgreementEventV1 {}
