import { randomBytes } from 'node:crypto';

export const CATALOG = 'AWSMarketplace';

export function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function isoSeconds(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function arn(accountId: string, kind: string, id: string): string {
  return `arn:aws:aws-marketplace:us-east-1:${accountId}:AWSMarketplace/${kind}/${id}`;
}
