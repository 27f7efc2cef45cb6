import { LicenseEventV1 } from './license-event.v1';

/** `cppo.license.deprovisioned.v1` */
export class LicenseDeprovisionedV1 extends LicenseEventV1 {}
