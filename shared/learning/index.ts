export * from './access';
export * from './consumption';
export * from './identity';
export * from './progress';
export * from './service';
