import { LicenseEventV1 } from './license-event.v1';

/** `cppo.license.updated.v1` */
export class LicenseUpdatedV1 extends LicenseEventV1 {}
