export * from './access';
export * from './identity';
export * from './progress';
export * from './service';
