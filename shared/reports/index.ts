export * from './course';
export * from './document';
export * from './record';
export * from './threshold';
