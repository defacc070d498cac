export * from './access';
export * from './course';
export * from './overview';
export * from './reviews';
export * from './price';
