import { MeteringEventV1 } from './metering-event.v1';

/** `cppo.metering.failed.v1` */
export class MeteringFailedV1 extends MeteringEventV1 {}
