import { MeteringEventV1 } from './metering-event.v1';

/** `cppo.metering.reported.v1` */
export class MeteringReportedV1 extends MeteringEventV1 {}
