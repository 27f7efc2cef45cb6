// class-transformer keeps its metadata storage in a module without typings of its own path.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
