/** The services `npm start` runs, with their default ports (design/api.md). */
export const SERVICES = [
  { name: 'opportunity', port: 3001 },
  { name: 'offer-ingest', port: 3002 },
  { name: 'entitlement', port: 3003 },
  { name: 'metering', port: 3004 },
  { name: 'webhooks', port: 3005 },
  { name: 'finance', port: 3006 },
] as const;
