export * from './schema';
export * from './visibility';
export * from './projections';
export * from './reader';
export * from './query';
export * from './course-file';
