export * from './clients';
export * from './errors';
